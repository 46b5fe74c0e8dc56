namespace Digit.Service.Retraining.Steps;

/// <summary>How the training steps share the machine and report.</summary>
public sealed record RetrainStepOptions
{
    /// <summary>libtorch threads while training; 0 = every core.</summary>
    public int TrainingThreads { get; init; }

    /// <summary>How often progress is written and the stop flag read while an epoch runs.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a run stays owned without a sign of life from the process training it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Identifies this process as the owner of the leases it takes.</summary>
    public string LeaseOwner { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
