using Digit.Backend.Hosting;
using Digit.Inference.Corrections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Corrections;

/// <summary>What became of a correction sent in.</summary>
public enum IntakeOutcome
{
    /// <summary>Stored as a new correction.</summary>
    Created,

    /// <summary>The drawing was stored already; it keeps its record, with the label just sent.</summary>
    Repeated,

    /// <summary>Refused: the store holds <see cref="FeedbackOptions.MaxCorrections"/> corrections.</summary>
    Full,
}

/// <summary>The outcome, the correction as stored (none when refused) and, when refused, how many are stored.</summary>
public sealed record IntakeResult(IntakeOutcome Outcome, Correction? Stored, int? StoredCount = null);

/// <summary>
/// Takes corrections into the store under the cap (FEEDBACK_MAX): a repeat of a stored drawing is always taken (it
/// only changes a label), a new one only while there is room. Nothing stored is ever dropped to make room.
/// </summary>
/// <remarks>
/// Counting a store of 50,000 lists every name (ten Blob pages), too much for every correction. So the last count is
/// remembered with the corrections this process added since; the store is counted again only when that estimate is
/// within <see cref="Slack"/> of the cap or older than <see cref="RecountAfter"/>. Other instances add meanwhile, so
/// the slack (1 % of the cap, at least 10) covers what they can add in that time; near the cap every new correction
/// is counted. Intakes in this process take turns, so the cap holds here exactly; instances sharing a store can pass
/// it together by the few corrections sent at the same moment.
/// </remarks>
public sealed class CorrectionIntake(ICorrectionStore store, IOptions<FeedbackOptions> options, TimeProvider time, ILogger<CorrectionIntake> logger)
    : IDisposable
{
    /// <summary>How long a count is trusted (with this process's adds on top).</summary>
    public static readonly TimeSpan RecountAfter = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private int? _counted;
    private DateTimeOffset _countedAt;
    private int _addedSince;

    /// <summary>The cap of stored corrections.</summary>
    public int MaxCorrections => options.Value.MaxCorrections;

    /// <summary>How close to the cap an estimate must come before the store is counted for every new correction.</summary>
    public int Slack => Math.Max(10, MaxCorrections / 100);

    /// <summary>Stores <paramref name="correction"/> unless it is new and the store is full.</summary>
    public async Task<IntakeResult> TakeAsync(Correction correction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(correction);
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (await store.GetAsync(correction.Id, cancellationToken) is null && !HasRoomForSure())
            {
                var count = await store.CountAsync(cancellationToken);
                (_counted, _countedAt, _addedSince) = (count, time.GetUtcNow(), 0);
                if (count >= MaxCorrections)
                {
                    logger.LogWarning("Refused correction {Id}: the store holds {Count} corrections, the cap (FEEDBACK_MAX) is {Max}", correction.Id, count, MaxCorrections);
                    return new IntakeResult(IntakeOutcome.Full, null, count);
                }
            }
            var (stored, created) = await store.AddAsync(correction, cancellationToken);
            if (created)
            {
                _addedSince++;
            }
            return new IntakeResult(created ? IntakeOutcome.Created : IntakeOutcome.Repeated, stored);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Releases the turn lock.</summary>
    public void Dispose() => _turn.Dispose();

    // Deletes only lower the count, so an estimate that missed them errs on the side of counting again.
    private bool HasRoomForSure() =>
        _counted is { } counted
        && time.GetUtcNow() - _countedAt < RecountAfter
        && counted + _addedSince < MaxCorrections - Slack;
}
