using System.Collections.Concurrent;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Backend.Retraining.Steps;

namespace Digit.LocalServer;

/// <summary>
/// The local server's executor: each run is a task in this process that runs the retraining steps in a short loop
/// (epochs, then publish, then finish). On shutdown every run is stopped, so its step ends at the next batch and
/// the run ends interrupted, and waited for.
/// </summary>
internal sealed class LocalRetrainRunner(
    TrainEpochStep epochStep,
    PublishModelStep publishStep,
    FinishRunStep finishStep,
    ILogger<LocalRetrainRunner> logger) : IRetrainExecutor, IHostedService
{
    private static readonly RetrainLaunch NoManagementUrls = new(null, new Dictionary<string, string>());

    private readonly ConcurrentDictionary<string, Task> _runs = new();
    // Never disposed: the host can stop this service after disposing its services (WebApplication.RunAsync stops and
    // disposes the host while WebApplicationFactory stops it too), and a source without timers holds nothing to free.
    private readonly CancellationTokenSource _shutdown = new();

    public Task<RetrainLaunch> StartAsync(RetrainInput input, CancellationToken cancellationToken)
    {
        var run = Task.Run(() => RunAsync(input, _shutdown.Token), CancellationToken.None);
        _runs[input.RunId] = run;
        run.ContinueWith(_ => _runs.TryRemove(input.RunId, out Task? _), TaskScheduler.Default);
        return Task.FromResult(NoManagementUrls);
    }

    /// <summary>The stop flag reaches the running step with its next heartbeat; nothing more to do here.</summary>
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

    private async Task RunAsync(RetrainInput input, CancellationToken shutdown)
    {
        RunOutcome outcome;
        try
        {
            outcome = await TrainAndPublishAsync(input, shutdown);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Run {RunId} failed", input.RunId);
            outcome = RunOutcomes.Failed(input.RunId, exception.Message);
        }
        try
        {
            await finishStep.RunAsync(outcome, shutdown);
        }
        catch (Exception exception)
        {
            // The run store is unreachable: once the run's lease runs out, the sweeper ends it as interrupted.
            logger.LogWarning("Run {RunId}: recording its end ({Status}) failed: {Reason}", input.RunId, outcome.Status, exception.Message);
        }
    }

    private async Task<RunOutcome> TrainAndPublishAsync(RetrainInput input, CancellationToken shutdown)
    {
        for (var epoch = 1; epoch <= input.Epochs; epoch++)
        {
            var trained = await epochStep.RunAsync(EpochRequest.Of(input, epoch), shutdown);
            if (trained.End != StepEnd.Done)
            {
                return RunOutcomes.Ended(input.RunId, trained.End, epoch, input.Epochs);
            }
        }
        var published = await publishStep.RunAsync(PublishRequest.Of(input), shutdown);
        return published.End == StepEnd.Done
            ? RunOutcomes.Completed(input.RunId, published)
            : RunOutcomes.Ended(input.RunId, published.End, epoch: 0, input.Epochs);
    }
}
