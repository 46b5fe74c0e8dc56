namespace Digit.Service.Retraining.Local;

/// <summary>One run inside this process: its stop signal (also raised by shutdown) and its task.</summary>
internal sealed class LocalRun : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;

    public LocalRun(CancellationToken shutdown)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        _registration = _stop.Token.Register(() => _stopped.TrySetResult());
    }

    /// <summary>Cancelled when a stop is requested or the process shuts down.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Completes when a stop is requested or the process shuts down.</summary>
    public Task Stopped => _stopped.Task;

    public Task? Completion { get; set; }

    public void RequestStop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the lookup and the stop: nothing left to stop.
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _stop.Dispose();
    }
}
