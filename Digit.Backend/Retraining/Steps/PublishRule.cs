using System.Globalization;
using Digit.Backend.Hosting;
using Digit.Inference.Models;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Retraining.Steps;

/// <summary>How well a model reads each test set (fractions 0..1); held-out corrections only when there are enough.</summary>
public sealed record ModelScores(double Mnist, double Drawings, double? Corrections);

/// <summary>Whether a finished run's model is served, and why not in plain words when it is not.</summary>
public sealed record PublishVerdict(bool Serve, string? KeptReason, ModelScores Candidate, ModelScores? Served);

/// <summary>
/// The publish rule: a new model is served only if it reads no test set worse than the served model by more than
/// <see cref="RetrainOptions.AllowedAccuracyDrop"/>: MNIST's test images, the seeded synthetic canvas drawings, and the
/// held-out corrections once there are <see cref="MinHeldOutCorrections"/> of them. Both models are
/// scored on the same sets now, through ONNX Runtime as they are served, so corrections that arrived since the
/// served model was published count for both.
/// </summary>
public sealed class PublishRule(IModelStore models, IOptions<RetrainOptions> retrain)
{
    /// <summary>Held-out corrections needed before they count: fewer would let a handful of drawings decide.</summary>
    public const int MinHeldOutCorrections = 50;

    /// <summary>
    /// Scores the candidate and the served model (its version and ONNX bytes, when one is served) and decides. Pure
    /// computation, seconds of it: the caller runs it where it starves no request.
    /// </summary>
    public PublishVerdict Judge(
        byte[] candidate, double candidateMnist, (ModelVersion Version, byte[] Onnx)? served, MnistData mnist, MnistSet drawings, MnistSet heldOut,
        CancellationToken cancellationToken)
    {
        var corrections = heldOut.Count >= MinHeldOutCorrections ? heldOut : null;
        var candidateScores = new ModelScores(
            candidateMnist,
            OnnxEvaluator.Accuracy(candidate, drawings, cancellationToken: cancellationToken),
            corrections is null ? null : OnnxEvaluator.Accuracy(candidate, corrections, cancellationToken: cancellationToken));
        if (served is not { } current)
        {
            return new PublishVerdict(true, null, candidateScores, null);
        }
        var (servedVersion, servedModel) = current;
        var servedScores = new ModelScores(
            servedVersion.Accuracy ?? OnnxEvaluator.Accuracy(servedModel, mnist.Test, cancellationToken: cancellationToken),
            OnnxEvaluator.Accuracy(servedModel, drawings, cancellationToken: cancellationToken),
            corrections is null ? null : OnnxEvaluator.Accuracy(servedModel, corrections, cancellationToken: cancellationToken));

        var drop = retrain.Value.AllowedAccuracyDrop;
        var worse = new List<string>();
        Compare("MNIST test images", candidateScores.Mnist, servedScores.Mnist);
        Compare($"the {drawings.Count:N0} synthetic canvas drawings", candidateScores.Drawings, servedScores.Drawings);
        if (candidateScores.Corrections is { } mine && servedScores.Corrections is { } theirs)
        {
            Compare($"the {corrections!.Count:N0} held-out corrections", mine, theirs);
        }
        return worse.Count == 0
            ? new PublishVerdict(true, null, candidateScores, servedScores)
            : new PublishVerdict(false,
                $"it reads {string.Join(" and ", worse)}, more than {Points(drop)} points below the served model {servedVersion.Version} " +
                "(PUBLISH_MAX_ACCURACY_DROP sets the allowed drop).",
                candidateScores, servedScores);

        void Compare(string set, double candidateAccuracy, double servedAccuracy)
        {
            if (candidateAccuracy < servedAccuracy - drop)
            {
                worse.Add($"{set} at {Percent(candidateAccuracy)} against {Percent(servedAccuracy)}");
            }
        }
    }

    /// <summary>The served model's version and ONNX bytes, or null when none is served (or its file is gone).</summary>
    public async Task<(ModelVersion Version, byte[] Onnx)?> ServedAsync(CancellationToken cancellationToken)
    {
        if (await models.GetCurrentAsync(cancellationToken) is not { } served)
        {
            return null;
        }
        try
        {
            return (served, await models.ReadModelAsync(served.Version, cancellationToken));
        }
        catch (ModelNotFoundException)
        {
            return null;
        }
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";

    private static string Points(double fraction) => (fraction * 100).ToString("0.0#", CultureInfo.InvariantCulture);
}
