using Microsoft.Extensions.Options;

namespace Digit.Backend.Hosting;

/// <summary>Tells a start-up failure the user can fix (a setting) from a crash.</summary>
public static class StartupFailure
{
    /// <summary>The settings' own one-line messages when <paramref name="exception"/> is about settings, else null.</summary>
    public static string? Describe(Exception exception)
    {
        var reasons = Flatten(exception).Select(inner => inner switch
        {
            InvalidSettingException setting => setting.Message,
            OptionsValidationException validation => string.Join(" ", validation.Failures),
            _ => null,
        }).ToArray();
        return reasons.Length > 0 && reasons.All(reason => reason is not null) ? string.Join(" ", reasons) : null;
    }

    private static IEnumerable<Exception> Flatten(Exception exception) => exception is AggregateException aggregate
        ? aggregate.InnerExceptions.SelectMany(Flatten)
        : [exception];
}
