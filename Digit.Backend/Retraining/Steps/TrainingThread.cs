using System.Collections.Concurrent;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// The one thread a process trains and evaluates on, one piece of work at a time. An epoch blocks for seconds, so
/// it does not belong on the thread pool; and a thread that lives as long as the process keeps using the same glibc
/// arena, where a new thread per epoch is handed another one that keeps its own fragments after every run (a
/// server then grows by about 40 MB a run; DigitBench run-memory).
/// </summary>
public sealed class TrainingThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();

    /// <summary>Starts the thread; it ends when this is disposed, after the work already queued.</summary>
    public TrainingThread()
    {
        new Thread(() =>
        {
            foreach (var work in _work.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "Digit training",
        }.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the training thread after the work queued before it. Cancelled without running
    /// when <paramref name="cancellationToken"/> is cancelled before its turn.
    /// </summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                result.TrySetResult(work());
            }
            catch (OperationCanceledException exception)
            {
                result.TrySetCanceled(exception.CancellationToken);
            }
            catch (Exception exception)
            {
                result.TrySetException(exception);
            }
        });
        return result.Task;
    }

    /// <summary>Lets the thread end once the queued work is done.</summary>
    public void Dispose() => _work.CompleteAdding();
}
