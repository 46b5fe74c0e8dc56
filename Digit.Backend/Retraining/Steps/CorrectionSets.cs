using Digit.Inference.Corrections;
using Digit.Training.Data;

namespace Digit.Backend.Retraining.Steps;

/// <summary>People's corrections as the labelled image sets training and the publish rule read.</summary>
public sealed class CorrectionSets(ICorrectionStore corrections)
{
    /// <summary>
    /// The training share of the corrections received up to <paramref name="until"/> (none when it is null), in id
    /// order, so every epoch of a run and a retry of one sees the same set.
    /// </summary>
    public async Task<MnistSet> TrainingAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        if (until is not { } last)
        {
            return Empty;
        }
        return ToSet(Training(await corrections.ListAsync(cancellationToken), last));
    }

    private static IEnumerable<Correction> Training(IEnumerable<Correction> all, DateTimeOffset until) =>
        all.Where(correction => !correction.HeldOut && correction.ReceivedAt <= until);

    /// <summary>How many corrections a run that begins now trains on: the ids tell, so no record is read.</summary>
    public async Task<int> CountTrainingAsync(CancellationToken cancellationToken) =>
        (await corrections.ListIdsAsync(cancellationToken)).Count(id => !CorrectionIds.IsHeldOut(id));

    /// <summary>
    /// From one listing, what the publish step needs: every held-out correction (never trained on, so a fair test of
    /// how a model reads people's drawings) and how many the run trained on.
    /// </summary>
    public async Task<(MnistSet HeldOut, int TrainedOn)> ForPublishingAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var all = await corrections.ListAsync(cancellationToken);
        return (ToSet(all.Where(correction => correction.HeldOut)), until is { } last ? Training(all, last).Count() : 0);
    }

    private static MnistSet Empty => new([], []);

    private static MnistSet ToSet(IEnumerable<Correction> corrections)
    {
        var chosen = corrections.ToArray();
        var pixels = new byte[chosen.Length * MnistSet.ImageSide * MnistSet.ImageSide];
        for (var i = 0; i < chosen.Length; i++)
        {
            chosen[i].Pixels.CopyTo(pixels, i * MnistSet.ImageSide * MnistSet.ImageSide);
        }
        return new MnistSet(pixels, chosen.Select(correction => (byte)correction.Label).ToArray());
    }
}
