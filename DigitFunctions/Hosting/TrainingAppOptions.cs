using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Digit.Functions.Hosting;

/// <summary>Where the predict-only app sends people who ask it to train: the full app beside it.</summary>
public sealed class TrainingAppOptions : IValidatableObject
{
    /// <summary>The training app's base URL (https://digit-train.azurewebsites.net), or null when it is not known.</summary>
    [ConfigurationKeyName("TRAINING_APP_URL")]
    [Description("predict-only app: the base URL of the app that trains, named in the 503 answer to retrain and stop requests")]
    public string? Url { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Url)
            && !(Uri.TryCreate(Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult($"TRAINING_APP_URL is '{Url}': expected the training app's base URL (https://…).", [nameof(Url)]);
        }
    }
}
