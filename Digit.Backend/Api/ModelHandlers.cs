using System.Text.Json.Serialization;
using Digit.Backend.Models;
using Digit.Inference.Models;
using Microsoft.AspNetCore.Http;

namespace Digit.Backend.Api;

/// <summary>GET /api/models/ : every stored version and which one this instance serves.</summary>
public sealed record ModelsResponse(
    [property: JsonPropertyName("served")] string? Served,
    [property: JsonPropertyName("versions")] IReadOnlyList<ModelEntry> Versions);

/// <summary>One stored version: its accuracy, where it came from, and whether it is the one served.</summary>
public sealed record ModelEntry(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("accuracy")] double? Accuracy,
    [property: JsonPropertyName("publishedAt")] DateTimeOffset PublishedAt,
    [property: JsonPropertyName("origin")] string? Origin,
    [property: JsonPropertyName("epochs")] int? Epochs,
    [property: JsonPropertyName("images")] int? Images,
    [property: JsonPropertyName("trainedAt")] DateTimeOffset? TrainedAt,
    [property: JsonPropertyName("served")] bool Served)
{
    /// <summary>Accuracy on the seeded synthetic canvas drawings (fraction), when measured.</summary>
    [JsonPropertyName("drawingsAccuracy")]
    public double? DrawingsAccuracy { get; init; }

    /// <summary>Accuracy on the held-out corrections when it was published (fraction), when there were enough.</summary>
    [JsonPropertyName("correctionsAccuracy")]
    public double? CorrectionsAccuracy { get; init; }

    /// <summary>Corrections it was trained on, when known.</summary>
    [JsonPropertyName("corrections")]
    public int? Corrections { get; init; }
}

/// <summary>POST /api/models/{version}/activate : the version now served.</summary>
public sealed record ActivatedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("version")] string Version);

/// <summary>
/// Handlers of the model routes. Listing and activating, which changes what everyone is served, are not anonymous (a
/// function key on Azure, a bearer token on the local server); the same list is also public and read-only at
/// <see cref="DigitRoutes.ModelVersions"/>, for the built-in page.
/// </summary>
public static class ModelHandlers
{
    /// <summary>Every stored version, oldest first.</summary>
    public static async Task<IResult> GetModels(ModelCatalog catalog, CancellationToken cancellationToken)
    {
        var (versions, served) = await catalog.ListAsync(cancellationToken);
        return Results.Ok(new ModelsResponse(served, versions.Select(version => Entry(version, served)).ToArray()));
    }

    /// <summary>Serves <paramref name="version"/> from now on, on every instance.</summary>
    public static async Task<IResult> PostActivate(string version, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        var (result, detail) = await catalog.ActivateAsync(version, cancellationToken);
        return result switch
        {
            ActivationResult.Activated => Results.Ok(new ActivatedResponse(detail, version)),
            ActivationResult.Malformed => ApiProblems.Create(StatusCodes.Status400BadRequest, "Malformed version", detail),
            ActivationResult.NotFound => ApiProblems.Create(StatusCodes.Status404NotFound, "Unknown version", detail),
            ActivationResult.Unloadable => ApiProblems.Create(StatusCodes.Status422UnprocessableEntity, "Model does not load", detail),
            _ => throw new InvalidOperationException($"Unknown activation result {result}."),
        };
    }

    private static ModelEntry Entry(ModelVersion version, string? served) => new(
        version.Version, version.Accuracy, version.PublishedAt, version.Origin, version.Epochs, version.Images, version.TrainedAt,
        version.Version == served)
    {
        DrawingsAccuracy = version.DrawingsAccuracy,
        CorrectionsAccuracy = version.CorrectionsAccuracy,
        Corrections = version.Corrections,
    };
}
