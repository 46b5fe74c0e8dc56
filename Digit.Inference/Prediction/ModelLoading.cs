using Microsoft.ML.OnnxRuntime;

namespace Digit.Inference.Prediction;

/// <summary>Loads model bytes into a predictor, telling a bad model (a refusal) from a fault of the server.</summary>
public static class ModelLoading
{
    /// <summary>The predictor, or null with the reason when the bytes are not a usable digit model.</summary>
    public static DigitPredictor? TryLoad(byte[] onnxModel, out string reason)
    {
        try
        {
            reason = string.Empty;
            return new DigitPredictor(onnxModel);
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or InvalidDataException or ArgumentException)
        {
            reason = exception.Message;
            return null;
        }
    }
}
