using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>How many corrections are kept, and how fast one client may send them.</summary>
public sealed class FeedbackOptions
{
    /// <summary>Most corrections stored; at the cap a new one is refused (409) until an admin deletes some.</summary>
    [ConfigurationKeyName("FEEDBACK_MAX"), SettingRange(1, 10_000_000)]
    [Description("most corrections stored; at the cap a new one is refused with 409 until an admin deletes some (a repeat of a stored drawing still answers 200)")]
    public int MaxCorrections { get; set; } = 50_000;

    /// <summary>Corrections one client (by IP address) may send per minute, on average.</summary>
    [ConfigurationKeyName("FEEDBACK_RATE_PER_MINUTE"), SettingRange(1, 1_000_000)]
    [Description("corrections one client (by IP address) may send per minute on average; past it POST /api/feedback/ answers 429 with Retry-After")]
    public int RatePerMinute { get; set; } = 60;

    /// <summary>Corrections one client may send at once before the rate applies.</summary>
    [ConfigurationKeyName("FEEDBACK_BURST"), SettingRange(1, 1_000_000)]
    [Description("corrections one client may send in a quick burst before FEEDBACK_RATE_PER_MINUTE applies")]
    public int Burst { get; set; } = 20;
}
