using Digit.Backend.Runs;

namespace Digit.Backend.Api;

/// <summary>
/// The active run's progress as this process last read it from the run store, so that a progress stream opened
/// while the store cannot be reached still has something true, if stale, to show.
/// </summary>
public sealed class LastKnownProgress
{
    private TrainingProgress? _value;

    /// <summary>The last progress read, or null when the last read found no active run.</summary>
    public TrainingProgress? Value => Volatile.Read(ref _value);

    /// <summary>Records what a read of the run store found.</summary>
    public void Remember(TrainingProgress? progress) => Volatile.Write(ref _value, progress);
}
