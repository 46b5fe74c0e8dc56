using Microsoft.ML.OnnxRuntime;

namespace Digit.Inference.Prediction;

/// <summary>The answer for one drawing: the digit and the softmax probability of it, in percent.</summary>
public sealed record Prediction(int Digit, double Confidence)
{
    /// <summary>The softmax probability of each digit 0-9, in percent with two decimals.</summary>
    public IReadOnlyList<double> Probabilities { get; init; } = [];
}

/// <summary>
/// One ONNX model loaded in ONNX Runtime. The session is created once and shared by every request
/// (ONNX Runtime's Run is thread-safe); input and output names are read from the model once.
/// </summary>
public sealed class DigitPredictor : IDisposable
{
    internal const int ImageSide = 28;
    internal const int Classes = 10;
    private static readonly long[] InputShape = [1, 1, ImageSide, ImageSide];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <summary>
    /// Loads <paramref name="onnxModel"/>; an <see cref="InvalidDataException"/> when it does not take one input
    /// [N,1,28,28] and give [N,10].
    /// </summary>
    public DigitPredictor(byte[] onnxModel)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            // One request is tiny: threads would cost more to wake than they save, and requests already
            // run in parallel on the web server's threads.
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxModel, options);
        if (_session.InputNames.Count != 1 || _session.OutputNames.Count < 1)
        {
            var (inputs, outputs) = (_session.InputNames.Count, _session.OutputNames.Count);
            _session.Dispose();
            throw new InvalidDataException($"The model must have one input [N,1,28,28] and an output [N,10]; it has {inputs} inputs and {outputs} outputs.");
        }
        _inputNames = [_session.InputNames[0]];
        _outputNames = [_session.OutputNames[0]];
        CheckShapes();
        Metadata = _session.ModelMetadata.CustomMetadataMap;
        WarmUp();
    }

    /// <summary>The model's metadata properties (test_accuracy, epochs, trained_at for our models).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Classifies one 28x28 image given as 784 floats 0..1, ink bright.</summary>
    public Prediction Predict(ReadOnlySpan<float> image)
    {
        if (image.Length != ImageSide * ImageSide)
        {
            throw new ArgumentException($"The model takes one 1x28x28 image (784 values); got {image.Length}.", nameof(image));
        }
        var input = image.ToArray();
        var probabilities = new float[Classes];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, InputShape);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(probabilities, [1, Classes]);
        _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
        var best = 0;
        for (var digit = 1; digit < Classes; digit++)
        {
            if (probabilities[digit] > probabilities[best])
            {
                best = digit;
            }
        }
        return new Prediction(best, Math.Round(probabilities[best] * 100.0, 2))
        {
            Probabilities = Array.ConvertAll(probabilities, p => Math.Round(p * 100.0, 2)),
        };
    }

    /// <summary>Releases the ONNX Runtime session; only when no prediction is running on it (see <see cref="ServedModel"/>).</summary>
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>
    /// ONNX Runtime sets a session up on its first run (buffers, kernels), which took the first request hundreds of
    /// milliseconds on a cold worker: one run of a blank image here, while the model is loaded, spares every request it.
    /// A model that cannot run is refused now rather than on a request.
    /// </summary>
    private void WarmUp()
    {
        try
        {
            Predict(new float[ImageSide * ImageSide]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void CheckShapes()
    {
        var input = _session.InputMetadata[_inputNames[0]].Dimensions;
        var output = _session.OutputMetadata[_outputNames[0]].Dimensions;
        if (input.Length != 4 || input[1] != 1 || input[2] != ImageSide || input[3] != ImageSide || output.Length != 2 || output[1] != Classes)
        {
            _session.Dispose();
            throw new InvalidDataException(
                $"The model must take [N,1,28,28] and give [N,10]; it takes [{string.Join(',', input)}] and gives [{string.Join(',', output)}].");
        }
    }
}
