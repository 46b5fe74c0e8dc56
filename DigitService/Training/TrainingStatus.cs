namespace Digit.Service.Training;

/// <summary>The run states of the contract's <c>model_status</c>.</summary>
public enum TrainingStatus
{
    NotStarted,
    InProgress,
    Completed,
    Interrupted,
    Error,
}

public static class TrainingStatusNames
{
    /// <summary>The contract's spelling: not_started, in_progress, completed, interrupted, error.</summary>
    public static string ToContractName(this TrainingStatus status) => status switch
    {
        TrainingStatus.NotStarted => "not_started",
        TrainingStatus.InProgress => "in_progress",
        TrainingStatus.Completed => "completed",
        TrainingStatus.Interrupted => "interrupted",
        TrainingStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static TrainingStatus FromContractName(string name) => name switch
    {
        "not_started" => TrainingStatus.NotStarted,
        "in_progress" => TrainingStatus.InProgress,
        "completed" => TrainingStatus.Completed,
        "interrupted" => TrainingStatus.Interrupted,
        "error" => TrainingStatus.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown training status."),
    };

    public static bool IsFinal(this TrainingStatus status) =>
        status is TrainingStatus.Completed or TrainingStatus.Interrupted or TrainingStatus.Error;
}
