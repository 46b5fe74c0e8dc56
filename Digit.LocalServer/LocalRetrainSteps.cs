using Digit.Backend.Retraining;
using Digit.Backend.Retraining.Steps;
using Digit.Backend.Runs;

namespace Digit.LocalServer;

/// <summary>
/// The run's steps as the local server takes them: each one a direct call in this process, a stop read from the run
/// store (the flag the stop route raises), and no custom status of its own (the run store's progress is the status).
/// The cancellation token is the process's shutdown, which the steps take as a stop.
/// </summary>
internal sealed class LocalRetrainSteps(
    TrainEpochStep epochStep,
    PublishModelStep publishStep,
    FinishRunStep finishStep,
    IRunStore runs,
    ILogger<LocalRetrainSteps> logger) : IRetrainSteps
{
    public Task<EpochOutcome> TrainEpochAsync(EpochRequest request, CancellationToken cancellationToken) =>
        FailOnErrorAsync(request.RunId, () => epochStep.RunAsync(request, cancellationToken));

    public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken) =>
        FailOnErrorAsync(request.RunId, () => publishStep.RunAsync(request, cancellationToken));

    public async Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await finishStep.RunAsync(outcome, cancellationToken);
        }
        catch (Exception exception)
        {
            // The run store is unreachable: once the run's lease runs out, the sweeper ends it as interrupted.
            logger.LogWarning("Run {RunId}: recording its end ({Status}) failed: {Reason}", outcome.RunId, outcome.Status, exception.Message);
        }
    }

    /// <summary>
    /// A heartbeat without progress: it answers with the stop flag, or that the run is no longer this process's. A
    /// shutdown is a stop, as for the steps.
    /// </summary>
    public Task<RunSignal> CheckAsync(string runId, CancellationToken cancellationToken) =>
        FailOnErrorAsync(runId, async () =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return RunSignal.StopRequested;
            }
            try
            {
                return await runs.HeartbeatAsync(runId, progress: null, cancellationToken);
            }
            catch (RunStoreUnavailableException exception)
            {
                // The next step's own heartbeats keep trying for the rest of the lease, and end the run if they cannot.
                logger.LogWarning("Run {RunId}: the stop flag could not be read ({Reason}); going on", runId, exception.Message);
                return RunSignal.Continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return RunSignal.StopRequested;
            }
        });

    public void ReportStatus(RunCustomStatus status)
    {
        // Nothing to do: /api/runs/{id}/ builds the status from the progress the steps' heartbeats record.
    }

    private async Task<T> FailOnErrorAsync<T>(string runId, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Run {RunId} failed", runId);
            throw new RetrainStepFailedException(exception.Message, exception);
        }
    }
}
