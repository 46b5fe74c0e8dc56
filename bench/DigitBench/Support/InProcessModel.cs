using System.Diagnostics.Metrics;
using Digit.Inference.Models;
using Digit.Inference.Prediction;
using Digit.Inference.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.Bench.Support;

/// <summary>The server's prediction pipeline built in this process around one ONNX model file.</summary>
internal sealed class InProcessModel : IDisposable
{
    private readonly ModelProvider _provider = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public InProcessModel(string modelPath)
    {
        Predictor = new DigitPredictor(File.ReadAllBytes(modelPath));
        _provider.Swap(new ServedModel(new ModelVersion(Path.GetFileName(modelPath), null, DateTimeOffset.UnixEpoch), Predictor));
        Recognizer = new DrawingRecognizer(_provider, new PredictionMetrics(_services.GetRequiredService<IMeterFactory>(), _provider));
    }

    public DigitPredictor Predictor { get; }

    public DrawingRecognizer Recognizer { get; }

    public void Dispose()
    {
        _provider.Dispose();
        _services.Dispose();
    }
}
