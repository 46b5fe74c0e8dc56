using Digit.Inference.Drawing;

namespace Digit.Inference.Prediction;

/// <summary>The whole prediction pipeline for one drawing: decode, preprocess like MNIST, run the served model.</summary>
public sealed class DrawingRecognizer(ModelProvider models)
{
    /// <summary>
    /// Recognises the digit in a data URL or bare base64 image. Throws <see cref="DrawingException"/> for input
    /// that is not a usable drawing and <see cref="NoModelException"/> when no model is loaded.
    /// </summary>
    public Prediction Recognize(string drawing)
    {
        var image = DrawingDecoder.Decode(drawing);
        var input = DrawingPreprocessor.Preprocess(image);
        return models.Use(model => model.Predictor.Predict(input));
    }
}
