using Digit.Backend.Runs;

namespace Digit.Backend.Retraining;

/// <summary>
/// What a host gives <see cref="RetrainWorkflow"/>: the run's steps, whether the run may go on, and where the run's
/// custom status goes. The local server calls the steps in its own process and reads the stop flag from the run
/// store; the Azure app calls them as Durable activities and watches the stop event, so every member must keep to
/// what a Durable orchestrator may do there.
/// </summary>
public interface IRetrainSteps
{
    /// <summary>Trains one epoch; throws <see cref="RetrainStepFailedException"/> when it failed (after the host's retries).</summary>
    Task<EpochOutcome> TrainEpochAsync(EpochRequest request, CancellationToken cancellationToken);

    /// <summary>Evaluates and publishes the run's model; throws <see cref="RetrainStepFailedException"/> when it failed.</summary>
    Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken);

    /// <summary>Records how the run ended and removes its checkpoint.</summary>
    Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Whether run <paramref name="runId"/> may begin its next step: <see cref="RunSignal.StopRequested"/> when a stop
    /// was requested, <see cref="RunSignal.NotOwner"/> when the run is no longer active.
    /// </summary>
    Task<RunSignal> CheckAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Shows where the run is (the Durable custom status; the local server's run store already knows).</summary>
    void ReportStatus(RunCustomStatus status);
}

/// <summary>A step of a run failed for good; <see cref="Exception.Message"/> is the sentence the user sees.</summary>
public sealed class RetrainStepFailedException(string message, Exception? innerException = null)
    : Exception(message, innerException);
