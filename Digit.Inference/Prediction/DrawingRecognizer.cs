using Digit.Inference.Drawing;

namespace Digit.Inference.Prediction;

/// <summary>The whole prediction pipeline for one drawing: decode, preprocess like MNIST, run the served model.</summary>
public sealed class DrawingRecognizer(ModelProvider models)
{
    /// <summary>
    /// Recognises the digit in a data URL or bare base64 image. Throws <see cref="DrawingException"/> for input
    /// that is not a usable drawing and <see cref="NoModelException"/> when no model is loaded.
    /// </summary>
    public Prediction Recognize(string drawing) => Predict(DrawingDecoder.Decode(drawing));

    /// <summary>
    /// As <see cref="Recognize"/>, but an image over <see cref="DecodeTurns.LargeImagePixels"/> is decoded only once
    /// <paramref name="claim"/> holds its turn (it may hold it already, for a large body).
    /// </summary>
    public async Task<Prediction> RecognizeAsync(string drawing, DecodeTurns.Claim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var image = DrawingDecoder.Inspect(DrawingPayload.ToBytes(drawing));
        if (image.Pixels > DecodeTurns.LargeImagePixels)
        {
            await claim.TakeAsync(cancellationToken);
        }
        return Predict(DrawingDecoder.Decode(image));
    }

    private Prediction Predict(DecodedImage image)
    {
        var input = DrawingPreprocessor.Preprocess(image);
        return models.Use(model => model.Predictor.Predict(input));
    }
}
