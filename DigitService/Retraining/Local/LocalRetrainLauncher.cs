using System.Collections.Concurrent;
using Digit.Service.Retraining.Steps;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Retraining.Local;

/// <summary>
/// The local server's host for the retrain workflow: each run is a task in this process. On shutdown every
/// run is stopped and waited for, so it ends interrupted instead of staying in progress.
/// </summary>
public sealed class LocalRetrainLauncher(
    TrainEpochStep epochStep,
    PublishModelStep publishStep,
    FinishRunStep finishStep,
    ILogger<LocalRetrainLauncher> logger) : IRetrainLauncher, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, LocalRun> _runs = new();
    private readonly CancellationTokenSource _shutdown = new();

    public string NewRunId() => Guid.NewGuid().ToString("N");

    public Task<RetrainLaunch> LaunchAsync(RetrainInput input, HttpRequest request, CancellationToken cancellationToken)
    {
        var run = new LocalRun(_shutdown.Token);
        if (!_runs.TryAdd(input.RunId, run))
        {
            run.Dispose();
            throw new RetrainAlreadyRunningException(input.RunId);
        }
        var port = new InProcessRetrainPort(run, epochStep, publishStep, finishStep, logger);
        run.Completion = Task.Run(async () =>
        {
            try
            {
                await RetrainWorkflow.RunAsync(port, input);
            }
            finally
            {
                _runs.TryRemove(input.RunId, out _);
                run.Dispose();
            }
        }, CancellationToken.None);
        var statusUri = $"{request.Scheme}://{request.Host}{request.PathBase}/api/runs/{input.RunId}/";
        return Task.FromResult(new RetrainLaunch(input.RunId, statusUri));
    }

    public Task SignalStopAsync(string runId, CancellationToken cancellationToken)
    {
        if (_runs.TryGetValue(runId, out var run))
        {
            run.RequestStop();
        }
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        var running = _runs.Values.Select(run => run.Completion).OfType<Task>().ToArray();
        if (running.Length > 0)
        {
            logger.LogInformation("Stopping {Count} training run(s) before shutting down", running.Length);
            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _shutdown.Dispose();
}
