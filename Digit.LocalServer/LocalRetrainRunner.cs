using System.Collections.Concurrent;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;

namespace Digit.LocalServer;

/// <summary>
/// The local server's executor: each run is a task in this process that runs <see cref="RetrainWorkflow"/> over
/// <see cref="LocalRetrainSteps"/>. On shutdown every run is stopped, so its step ends at the next batch and the run
/// ends interrupted, and waited for.
/// </summary>
internal sealed class LocalRetrainRunner(LocalRetrainSteps steps, ILogger<LocalRetrainRunner> logger) : IRetrainExecutor, IHostedService
{
    private static readonly RetrainLaunch NoManagementUrls = new(null, new Dictionary<string, string>());

    private readonly ConcurrentDictionary<string, Task> _runs = new();
    // Never disposed: the host can stop this service after disposing its services (WebApplication.RunAsync stops and
    // disposes the host while WebApplicationFactory stops it too), and a source without timers holds nothing to free.
    private readonly CancellationTokenSource _shutdown = new();

    public Task<RetrainLaunch> StartAsync(RetrainInput input, CancellationToken cancellationToken)
    {
        var run = Task.Run(() => RetrainWorkflow.RunAsync(input, steps, _shutdown.Token), CancellationToken.None);
        _runs[input.RunId] = run;
        run.ContinueWith(_ => _runs.TryRemove(input.RunId, out Task? _), TaskScheduler.Default);
        return Task.FromResult(NoManagementUrls);
    }

    /// <summary>The running step sees the stop flag at its next heartbeat, and the run before its next step; nothing more to do here.</summary>
    public Task SignalStopAsync(string runId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A run of another process sharing the run store cannot be judged from here: its lease decides.</summary>
    public Task<bool> HasEndedAsync(string runId, CancellationToken cancellationToken) => Task.FromResult(false);

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        var running = _runs.Values.ToArray();
        if (running.Length > 0)
        {
            logger.LogInformation("Stopping {Count} training run(s) before shutting down", running.Length);
            try
            {
                await Task.WhenAll(running).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The run store cannot take the runs' ends now; their leases run out and the sweeper ends them.
                logger.LogWarning("Training run(s) did not end before the shutdown deadline; they end as interrupted once their lease runs out");
            }
        }
    }
}
