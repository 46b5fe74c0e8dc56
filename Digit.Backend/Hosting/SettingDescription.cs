using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>
/// One setting as users know it: the flat name (an environment variable or app setting such as TRAINING_EPOCHS) that
/// the configuration binder reads into an options property through <see cref="ConfigurationKeyNameAttribute"/>, what
/// a value must look like, and whether its value is secret (<see cref="PasswordPropertyTextAttribute"/>), so messages
/// never repeat it.
/// </summary>
public sealed record SettingDescription(string Name, PropertyInfo Property)
{
    /// <summary>Whether the value must never appear in a message.</summary>
    public bool Secret => Property.GetCustomAttribute<PasswordPropertyTextAttribute>()?.Password == true;

    /// <summary>What the setting means, for the settings table.</summary>
    public string Description => Property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? string.Empty;

    /// <summary>What a value must look like, for error messages.</summary>
    public string Accepts
    {
        get
        {
            var type = Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;
            var range = Property.GetCustomAttribute<SettingRangeAttribute>();
            if (type == typeof(int))
            {
                return range is null ? "a whole number" : $"a whole number from {range.Shown(range.Minimum)} to {range.Shown(range.Maximum)}";
            }
            if (type == typeof(double))
            {
                return range is null ? "a number" : $"a number from {range.Shown(range.Minimum)} to {range.Shown(range.Maximum)}";
            }
            if (type == typeof(bool))
            {
                return "true or false";
            }
            return Property.GetCustomAttribute<RequiredSettingAttribute>()?.Accepts ?? (Secret ? "a connection string" : "a text");
        }
    }

    /// <summary>A value as a message may show it: quoted, or not at all for a secret.</summary>
    public string Shown(string? value) => Secret ? "set but unusable (its value is secret)" : $"'{value}'";

    /// <summary>The setting behind <paramref name="property"/> of <paramref name="optionsType"/>, or null when it reads none.</summary>
    public static SettingDescription? Of(Type optionsType, string property) =>
        optionsType.GetProperty(property) is { } info && info.GetCustomAttribute<ConfigurationKeyNameAttribute>() is { } key
            ? new SettingDescription(key.Name, info)
            : null;

    /// <summary>Every setting an options type reads, in declaration order.</summary>
    public static IEnumerable<SettingDescription> Of(Type optionsType) =>
        from property in optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        let key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()
        where key is not null
        select new SettingDescription(key.Name, property);

    /// <summary>Every setting of every options type in <paramref name="assembly"/>, with the type's default (a new instance's value).</summary>
    public static IEnumerable<(SettingDescription Setting, string? Default)> InAssembly(Assembly assembly) =>
        from type in assembly.GetTypes()
        where type.IsClass && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null
        let settings = Of(type).ToArray()
        where settings.Length > 0
        let defaults = Activator.CreateInstance(type)!
        from setting in settings
        select (setting, setting.Property.GetValue(defaults)?.ToString());
}
