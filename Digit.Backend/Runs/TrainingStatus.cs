using System.Text.Json;
using System.Text.Json.Serialization;

namespace Digit.Backend.Runs;

/// <summary>The run states of the contract's <c>model_status</c>; JSON spells them as the contract does.</summary>
[JsonConverter(typeof(TrainingStatusJsonConverter))]
public enum TrainingStatus
{
    /// <summary>No run was ever started.</summary>
    NotStarted,

    /// <summary>A run is training or publishing.</summary>
    InProgress,

    /// <summary>The run published its model.</summary>
    Completed,

    /// <summary>The run was stopped, or lost its worker; the served model was kept.</summary>
    Interrupted,

    /// <summary>The run failed; its message says why.</summary>
    Error,
}

/// <summary>Writes and reads <see cref="TrainingStatus"/> as not_started, in_progress, completed, interrupted, error.</summary>
public sealed class TrainingStatusJsonConverter() : JsonStringEnumConverter<TrainingStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);

/// <summary>The contract's spelling of <see cref="TrainingStatus"/>.</summary>
public static class TrainingStatusNames
{
    /// <summary>not_started, in_progress, completed, interrupted or error.</summary>
    public static string ToContractName(this TrainingStatus status) => status switch
    {
        TrainingStatus.NotStarted => "not_started",
        TrainingStatus.InProgress => "in_progress",
        TrainingStatus.Completed => "completed",
        TrainingStatus.Interrupted => "interrupted",
        TrainingStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status a contract name stands for.</summary>
    public static TrainingStatus FromContractName(string name) => name switch
    {
        "not_started" => TrainingStatus.NotStarted,
        "in_progress" => TrainingStatus.InProgress,
        "completed" => TrainingStatus.Completed,
        "interrupted" => TrainingStatus.Interrupted,
        "error" => TrainingStatus.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown training status."),
    };

    /// <summary>Whether a run in this status has ended.</summary>
    public static bool IsFinal(this TrainingStatus status) =>
        status is TrainingStatus.Completed or TrainingStatus.Interrupted or TrainingStatus.Error;
}
