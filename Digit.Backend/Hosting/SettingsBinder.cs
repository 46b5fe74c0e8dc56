using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>A string setting that names a file or folder: relative values are resolved against the <see cref="ContentRoot"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ContentPathAttribute : Attribute;

/// <summary>
/// Binds an options object from the flat setting names users know (environment variables or app settings such as
/// TRAINING_EPOCHS), one property per <see cref="ConfigurationKeyNameAttribute"/>. The property's initial value is
/// the setting's one default. A value that cannot be used stops start-up with an <see cref="InvalidSettingException"/>
/// that names each bad setting and what it accepts; values of secret settings (<see cref="PasswordPropertyTextAttribute"/>)
/// are never repeated.
/// </summary>
internal static class SettingsBinder
{
    /// <summary>
    /// Binds <paramref name="options"/>. When a value is unusable, every settings type in <paramref name="catalog"/> is
    /// checked too, so that one start-up names every bad setting at once.
    /// </summary>
    public static void Bind(object options, IConfiguration configuration, ContentRoot root, SettingsCatalog catalog)
    {
        var errors = Bind(options, configuration, root);
        if (errors.Count == 0)
        {
            return;
        }
        var all = catalog.Types
            .SelectMany(type => type == options.GetType() ? errors : Bind(Activator.CreateInstance(type)!, configuration, root))
            .Distinct()
            .ToArray();
        throw new InvalidSettingException(string.Join(" ", all));
    }

    /// <summary>Binds <paramref name="options"/> and returns what was wrong.</summary>
    private static List<string> Bind(object options, IConfiguration configuration, ContentRoot root)
    {
        var errors = new List<string>();
        foreach (var setting in SettingsOf(options.GetType()))
        {
            var raw = configuration[setting.Name];
            if (raw is not null && setting.Property.PropertyType != typeof(string) && string.IsNullOrWhiteSpace(raw))
            {
                raw = null; // An empty number or switch is an unset one.
            }
            if (raw is not null)
            {
                if (TryConvert(setting, raw.Trim(), out var value))
                {
                    setting.Property.SetValue(options, value);
                }
                else
                {
                    errors.Add($"{setting.Name} is {Shown(setting, raw)}: expected {setting.Accepts}.");
                    continue;
                }
            }
            if (setting.IsPath && setting.Property.GetValue(options) is string { Length: > 0 } path)
            {
                setting.Property.SetValue(options, root.Resolve(path));
            }
            if (setting.Required && setting.Property.GetValue(options) is null or "")
            {
                errors.Add($"{setting.Name} is empty: expected {setting.Accepts}.");
            }
        }
        if (options is ICheckedSettings checkedSettings)
        {
            errors.AddRange(checkedSettings.Problems());
        }
        return errors;
    }

    /// <summary>Every setting an options type reads, in declaration order.</summary>
    public static IEnumerable<SettingInfo> SettingsOf(Type optionsType) =>
        from property in optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        let name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name
        where name is not null
        select new SettingInfo(name, property);

    private static string Shown(SettingInfo setting, string raw) => setting.Secret ? "set but unusable (its value is secret)" : $"'{raw}'";

    private static bool TryConvert(SettingInfo setting, string raw, out object? value)
    {
        var type = Nullable.GetUnderlyingType(setting.Property.PropertyType) ?? setting.Property.PropertyType;
        value = null;
        if (type == typeof(string))
        {
            value = raw.Length == 0 && IsNullable(setting.Property) ? null : raw;
            return true;
        }
        if (type == typeof(int) && int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
        {
            value = whole;
            return setting.Range is not { } range || (whole >= Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture) && whole <= Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture));
        }
        if (type == typeof(double) && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            value = number;
            return setting.Range is not { } range || (number >= Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture) && number <= Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture));
        }
        if (type == typeof(bool) && bool.TryParse(raw, out var flag))
        {
            value = flag;
            return true;
        }
        return false;
    }

    private static bool IsNullable(PropertyInfo property) =>
        new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
}

/// <summary>Settings that check more than each value alone (a value's shape, two values together).</summary>
public interface ICheckedSettings
{
    /// <summary>One sentence per problem, naming the setting.</summary>
    IEnumerable<string> Problems();
}

/// <summary>Every settings type the app binds, so a start-up can report all bad settings at once.</summary>
public sealed class SettingsCatalog
{
    /// <summary>The options types, in registration order.</summary>
    public List<Type> Types { get; } = [];

    /// <summary>Every setting of every type: the name, what it accepts, its default, what it means, and whether it is secret.</summary>
    public IEnumerable<(string Name, string Accepts, string? Default, string Description, bool Secret)> Describe() =>
        from type in Types
        let defaults = Activator.CreateInstance(type)!
        from setting in SettingsBinder.SettingsOf(type)
        select (setting.Name, setting.Accepts, setting.Property.GetValue(defaults)?.ToString(), setting.Description, setting.Secret);
}

/// <summary>One setting: its name, the property it sets, what it accepts and whether it is secret.</summary>
internal sealed record SettingInfo(string Name, PropertyInfo Property)
{
    public RangeAttribute? Range => Property.GetCustomAttribute<RangeAttribute>();

    public bool Secret => Property.GetCustomAttribute<PasswordPropertyTextAttribute>()?.Password == true;

    public bool IsPath => Property.GetCustomAttribute<ContentPathAttribute>() is not null;

    public bool Required => Property.GetCustomAttribute<RequiredAttribute>() is not null;

    public string Description => Property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? string.Empty;

    /// <summary>What a value must look like, for error messages and the settings table.</summary>
    public string Accepts
    {
        get
        {
            var type = Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;
            if (type == typeof(int))
            {
                return Range is { } range ? $"a whole number from {range.Minimum} to {range.Maximum}" : "a whole number";
            }
            if (type == typeof(double))
            {
                return Range is { } range ? $"a number from {range.Minimum} to {range.Maximum}" : "a number";
            }
            if (type == typeof(bool))
            {
                return "true or false";
            }
            return IsPath ? "a path" : Secret ? "a connection string" : "a text";
        }
    }
}
