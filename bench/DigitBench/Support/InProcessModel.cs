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
    private readonly DrawingRecognizer _recognizer;
    private readonly DecodeTurns _turns = new();

    public InProcessModel(string modelPath)
    {
        Predictor = new DigitPredictor(File.ReadAllBytes(modelPath));
        _provider.Swap(new ServedModel(new ModelVersion(Path.GetFileName(modelPath), null, DateTimeOffset.UnixEpoch), Predictor));
        _recognizer = new DrawingRecognizer(_provider, new PredictionMetrics(_services.GetRequiredService<IMeterFactory>(), _provider));
    }

    public DigitPredictor Predictor { get; }

    /// <summary>
    /// Reads a drawing as POST /api/drawing/ does once the body is parsed: one claim on a decode turn, then decode,
    /// preprocess and infer. A drawing of the frontend's size never waits for a turn, so this completes at once.
    /// </summary>
    public Prediction Recognize(string drawing)
    {
        using var claim = _turns.NewClaim();
        return _recognizer.RecognizeAsync(drawing, claim, CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _services.Dispose();
    }
}
