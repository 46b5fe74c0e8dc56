namespace Digit.Service.Retraining;

/// <summary>
/// What the retrain workflow needs from the host that runs it. The local server runs each call in this
/// process; the Azure app maps them onto Durable Functions (activities, an external event, custom status).
/// </summary>
public interface IRetrainPort
{
    /// <summary>Trains one epoch; the outcome says whether it finished or stopped at a batch boundary.</summary>
    Task<EpochOutcome> RunEpochAsync(EpochRequest request);

    /// <summary>Completes when a stop is requested. Called once, at the start of the run.</summary>
    Task WaitForStopAsync();

    /// <summary>Evaluates, exports and publishes the trained model.</summary>
    Task<PublishOutcome> PublishAsync(PublishRequest request);

    /// <summary>Records how the run ended in the shared state, freeing the single-run slot.</summary>
    Task FinishAsync(RetrainResult result);

    /// <summary>Shows where the run is (no I/O is expected to be awaited).</summary>
    void SetCustomStatus(RetrainCustomStatus status);
}
