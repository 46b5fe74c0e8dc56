using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Digit.Backend.Hosting;

/// <summary>
/// A number setting's allowed range. Unlike <see cref="RangeAttribute"/>, the message names the setting as users
/// know it, its value and what it accepts: <c>TRAINING_EPOCHS is '0': expected a whole number from 1 to 100.</c>
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute : ValidationAttribute
{
    /// <summary>A whole-number range.</summary>
    public SettingRangeAttribute(int minimum, int maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>A range of numbers.</summary>
    public SettingRangeAttribute(double minimum, double maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>The least value allowed.</summary>
    public double Minimum { get; }

    /// <summary>The greatest value allowed.</summary>
    public double Maximum { get; }

    internal string Shown(double bound) => bound.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null)
        {
            return ValidationResult.Success;
        }
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (double.IsFinite(number) && number >= Minimum && number <= Maximum)
        {
            return ValidationResult.Success;
        }
        return SettingProblem.Of(validationContext, setting =>
            $"{setting.Name} is {setting.Shown(Convert.ToString(value, CultureInfo.InvariantCulture))}: expected {setting.Accepts}.");
    }
}

/// <summary>A setting that may not be empty; <see cref="Accepts"/> says what it takes (a path, a text, …).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredSettingAttribute(string accepts) : ValidationAttribute
{
    /// <summary>What a value must look like.</summary>
    public string Accepts { get; } = accepts;

    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is null || (value is string text && string.IsNullOrWhiteSpace(text))
            ? SettingProblem.Of(validationContext, setting => $"{setting.Name} is empty: expected {setting.Accepts}.")
            : ValidationResult.Success;
}

/// <summary>A validation result that names the setting, without the member name the validator would put in front.</summary>
internal static class SettingProblem
{
    public static ValidationResult Of(ValidationContext context, Func<SettingDescription, string> message)
    {
        var setting = context.MemberName is { } member ? SettingDescription.Of(context.ObjectType, member) : null;
        return setting is null
            ? new ValidationResult($"{context.DisplayName} is not valid.")
            : new ValidationResult(message(setting));
    }
}
