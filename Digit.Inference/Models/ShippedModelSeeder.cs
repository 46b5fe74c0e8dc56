using Digit.Inference.Prediction;
using Microsoft.Extensions.Logging;

namespace Digit.Inference.Models;

/// <summary>Publishes the model shipped with the code (models/digits.onnx) when the store has none yet.</summary>
public sealed class ShippedModelSeeder(IModelStore store, ILogger<ShippedModelSeeder> logger)
{
    /// <summary>Publishes the model at <paramref name="shippedModelPath"/> when the store has no current model.</summary>
    public async Task SeedIfEmptyAsync(string? shippedModelPath, CancellationToken cancellationToken)
    {
        if (await store.GetCurrentAsync(cancellationToken) is not null)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(shippedModelPath) || !File.Exists(shippedModelPath))
        {
            logger.LogWarning("The model store is empty and there is no shipped model at {ShippedModelPath}; predictions answer 503 until a model is trained", shippedModelPath);
            return;
        }
        var bytes = await File.ReadAllBytesAsync(shippedModelPath, cancellationToken);
        OnnxModelInfo info;
        using (var predictor = new DigitPredictor(bytes))
        {
            info = OnnxModelInfo.FromMetadata(predictor.Metadata);
        }
        var description = new ModelDescription(info.TestAccuracy, ModelOrigins.Shipped, info.Epochs, info.Images, info.TrainedAt)
        {
            DrawingsAccuracy = info.DrawingsAccuracy,
        };
        var version = await store.PublishAsync(bytes, description, cancellationToken);
        logger.LogInformation("Seeded the model store with {ShippedModelPath} as version {Version} (test accuracy {Accuracy})", shippedModelPath, version.Version, info.TestAccuracy);
    }
}
