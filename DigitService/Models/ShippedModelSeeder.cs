using Digit.Service.Prediction;
using Digit.Training.Onnx;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Models;

/// <summary>Publishes the model shipped with the code (models/digits.onnx) when the store has none yet.</summary>
public sealed class ShippedModelSeeder(IModelStore store, ILogger<ShippedModelSeeder> logger)
{
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
        double? accuracy;
        using (var predictor = new DigitPredictor(bytes))
        {
            accuracy = OnnxModelInfo.FromMetadata(predictor.Metadata).TestAccuracy;
        }
        var version = await store.PublishAsync(bytes, accuracy, cancellationToken);
        logger.LogInformation("Seeded the model store with {ShippedModelPath} as version {Version} (test accuracy {Accuracy})", shippedModelPath, version.Version, accuracy);
    }
}
