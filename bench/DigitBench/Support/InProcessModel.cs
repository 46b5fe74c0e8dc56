using Digit.Inference.Models;
using Digit.Inference.Prediction;

namespace Digit.Bench.Support;

/// <summary>The server's prediction pipeline built in this process around one ONNX model file.</summary>
internal sealed class InProcessModel : IDisposable
{
    private readonly ModelProvider _provider = new();

    public InProcessModel(string modelPath)
    {
        Predictor = new DigitPredictor(File.ReadAllBytes(modelPath));
        _provider.Swap(new ServedModel(new ModelVersion(Path.GetFileName(modelPath), null, DateTimeOffset.UnixEpoch), Predictor));
        Recognizer = new DrawingRecognizer(_provider);
    }

    public DigitPredictor Predictor { get; }

    public DrawingRecognizer Recognizer { get; }

    public void Dispose() => _provider.Dispose();
}
