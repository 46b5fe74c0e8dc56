using System.Diagnostics;
using Digit.Inference.Drawing;
using Digit.Inference.Telemetry;

namespace Digit.Inference.Prediction;

/// <summary>A prediction with the image the network saw (784 floats 0..1, ink bright) and the model version that made it.</summary>
public sealed record Recognition(Prediction Prediction, float[] Image, string ModelVersion);

/// <summary>The whole prediction pipeline for one drawing: decode, preprocess like MNIST, run the served model.</summary>
public sealed class DrawingRecognizer(ModelProvider models, PredictionMetrics metrics)
{
    /// <summary>
    /// Recognises the digit in a data URL or bare base64 image. An image over <see cref="DecodeTurns.LargeImagePixels"/>
    /// is decoded only once <paramref name="claim"/> holds its turn (it may hold it already, for a large body). Throws
    /// <see cref="DrawingException"/> for input that is not a usable drawing and <see cref="NoModelException"/> when no
    /// model is loaded. One span with decode, preprocess and infer children, tagged with the model version.
    /// </summary>
    public async Task<Prediction> RecognizeAsync(string drawing, DecodeTurns.Claim claim, CancellationToken cancellationToken) =>
        (await ReadAsync(drawing, claim, cancellationToken)).Prediction;

    /// <summary>
    /// As <see cref="RecognizeAsync"/>, with what the network saw: the preprocessed 28x28 image (784 floats 0..1, ink
    /// bright) and the version of the model that read it.
    /// </summary>
    public async Task<Recognition> ReadAsync(string drawing, DecodeTurns.Claim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var clock = Stopwatch.StartNew();
        using var span = DigitTelemetry.Activities.StartActivity("Recognize drawing");
        DecodedImage image;
        using (DigitTelemetry.Activities.StartActivity("Decode"))
        {
            using var header = DrawingDecoder.Inspect(DrawingPayload.ToBytes(drawing));
            if (header.Pixels > DecodeTurns.LargeImagePixels)
            {
                await claim.TakeAsync(cancellationToken);
            }
            image = DrawingDecoder.Decode(header);
        }
        return Predict(image, clock, span);
    }

    private Recognition Predict(DecodedImage image, Stopwatch clock, Activity? span)
    {
        float[] input;
        using (DigitTelemetry.Activities.StartActivity("Preprocess"))
        {
            input = DrawingPreprocessor.Preprocess(image);
        }
        var (prediction, version) = models.Use(model =>
        {
            using var infer = DigitTelemetry.Activities.StartActivity("Infer");
            infer?.SetTag("digit.model.version", model.Version.Version);
            return (model.Predictor.Predict(input), model.Version.Version);
        });
        span?.SetTag("digit.model.version", version);
        span?.SetTag("digit.digit", prediction.Digit);
        metrics.Predicted(prediction.Digit, clock.Elapsed.TotalSeconds, version);
        return new Recognition(prediction, input, version);
    }

    /// <summary>Counts a drawing that was refused or could not be classified, by <paramref name="kind"/>.</summary>
    public void Failed(string kind)
    {
        Activity.Current?.SetStatus(ActivityStatusCode.Error, kind);
        metrics.Failed(kind);
    }
}
