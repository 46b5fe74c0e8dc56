using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>Where training runs are recorded, and how long a run stays owned without a heartbeat.</summary>
public sealed class RunStateOptions
{
    /// <summary>Redis for run state shared by every process; in this process's memory when empty.</summary>
    [ConfigurationKeyName("REDIS_URL"), PasswordPropertyText(true)]
    [Description("Redis for training state (redis://host:6379/0, rediss://… or a StackExchange.Redis string); in memory when unset")]
    public string? RedisUrl { get; set; }

    /// <summary>Prefix of every Redis key, so several deployments can share one Redis.</summary>
    [ConfigurationKeyName("REDIS_KEY_PREFIX")]
    [Description("prefix of every Redis key")]
    public string RedisKeyPrefix { get; set; } = "digit:";

    /// <summary>Seconds a run stays owned without a heartbeat from its worker.</summary>
    [ConfigurationKeyName("TRAINING_LEASE_SECONDS"), SettingRange(3, 3600)]
    [Description("a run whose worker sends no heartbeat for this many seconds is ended as interrupted; it also outlasts short Redis outages")]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>The lease as a duration.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
