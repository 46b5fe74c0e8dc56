namespace Digit.Service.Training;

/// <summary>Where <see cref="RedisTrainingStateStore"/> keeps its keys.</summary>
public sealed record RedisTrainingStateStoreOptions
{
    /// <summary>Prefix of every key the store writes, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; init; } = "digit:";
}
