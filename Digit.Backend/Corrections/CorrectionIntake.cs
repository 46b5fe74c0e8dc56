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
/// Intakes in this process take turns, so the cap holds here exactly; instances sharing a store check it each on
/// their own, so together they can pass it by the few corrections sent at the same moment.
/// </remarks>
public sealed class CorrectionIntake(ICorrectionStore store, IOptions<FeedbackOptions> options, ILogger<CorrectionIntake> logger) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>The cap of stored corrections.</summary>
    public int MaxCorrections => options.Value.MaxCorrections;

    /// <summary>Stores <paramref name="correction"/> unless it is new and the store is full.</summary>
    public async Task<IntakeResult> TakeAsync(Correction correction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(correction);
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (await store.GetAsync(correction.Id, cancellationToken) is null)
            {
                var count = await store.CountAsync(cancellationToken);
                if (count >= MaxCorrections)
                {
                    logger.LogWarning("Refused correction {Id}: the store holds {Count} corrections, the cap (FEEDBACK_MAX) is {Max}", correction.Id, count, MaxCorrections);
                    return new IntakeResult(IntakeOutcome.Full, null, count);
                }
            }
            var (stored, created) = await store.AddAsync(correction, cancellationToken);
            return new IntakeResult(created ? IntakeOutcome.Created : IntakeOutcome.Repeated, stored);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Releases the turn lock.</summary>
    public void Dispose() => _turn.Dispose();
}
