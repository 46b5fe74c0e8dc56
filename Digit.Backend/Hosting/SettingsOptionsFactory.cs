using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Hosting;

/// <summary>
/// The options factory, but a value the configuration binder cannot convert (TRAINING_EPOCHS=abc) fails as a
/// validation failure naming the setting and what it accepts. The binder itself throws at the first such value, with
/// the property's type name and not the setting's meaning; as an <see cref="OptionsValidationException"/> it joins
/// the other failures <c>ValidateOnStart</c> collects, so one start-up names every bad setting.
/// </summary>
internal sealed class SettingsOptionsFactory<T>(
    IEnumerable<IConfigureOptions<T>> setups,
    IEnumerable<IPostConfigureOptions<T>> postConfigures,
    IEnumerable<IValidateOptions<T>> validations,
    IConfiguration configuration) : IOptionsFactory<T>
    where T : class
{
    private readonly OptionsFactory<T> _inner = new(setups, postConfigures, validations);

    public T Create(string name)
    {
        try
        {
            return _inner.Create(name);
        }
        catch (InvalidOperationException) when (Unconvertible().ToArray() is { Length: > 0 } failures)
        {
            throw new OptionsValidationException(name, typeof(T), failures);
        }
    }

    /// <summary>One sentence per setting of <typeparamref name="T"/> whose value the binder cannot convert.</summary>
    private IEnumerable<string> Unconvertible()
    {
        foreach (var setting in SettingDescription.Of(typeof(T)))
        {
            var raw = configuration[setting.Name];
            if (raw is null)
            {
                continue;
            }
            string? failure = null;
            try
            {
                configuration.GetValue(setting.Property.PropertyType, setting.Name);
            }
            catch (InvalidOperationException)
            {
                failure = $"{setting.Name} is {setting.Shown(raw)}: expected {setting.Accepts}.";
            }
            if (failure is not null)
            {
                yield return failure;
            }
        }
    }
}
