using Digit.Backend.Hosting;
using Digit.Backend.Retraining.Steps;
using Digit.Backend.Runs;
using Digit.Backend.Telemetry;
using Digit.Inference.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Retraining;

/// <summary>The answer to a start request.</summary>
public abstract record StartResult
{
    private StartResult()
    {
    }

    /// <summary>The run began and its host started it.</summary>
    public sealed record Started(string RunId, RetrainLaunch Launch) : StartResult;

    /// <summary>Another run is active (anywhere): nothing was started.</summary>
    public sealed record AlreadyRunning : StartResult;

    /// <summary>The run began but its host could not start it; the run was ended as an error.</summary>
    public sealed record NotStarted(string Reason) : StartResult;
}

/// <summary>
/// Starts and stops runs for both hosts: the run store's single-run rule decides, a fresh id names the run
/// everywhere (its record, its checkpoint, its orchestration instance), and the host's executor runs it.
/// </summary>
public sealed class RunCoordinator(
    IRunStore runs,
    IModelStore models,
    IOptions<RetrainOptions> retrain,
    IOptions<RunStateOptions> runState,
    CorrectionSets corrections,
    TrainingMetrics metrics,
    TimeProvider time,
    ILogger<RunCoordinator> logger)
{
    /// <summary>The message of a run its executor ended without finishing it (a terminated orchestration).</summary>
    public const string EndedByHostMessage = "The run was ended by its host (terminated or failed) before it finished; nothing was published.";

    /// <summary>A new run id: unique, and sorting by start time.</summary>
    public static string NewRunId() => Guid.CreateVersion7().ToString("N");

    /// <summary>Begins a run with the configured settings and has <paramref name="executor"/> start it.</summary>
    public async Task<StartResult> StartAsync(IRetrainExecutor executor, CancellationToken cancellationToken)
    {
        var input = await WithCorrectionsAsync(retrain.Value.NewRun(NewRunId()), cancellationToken);
        if (!await TryBeginAsync(input, executor, cancellationToken))
        {
            return new StartResult.AlreadyRunning();
        }
        try
        {
            var launch = await executor.StartAsync(input, cancellationToken);
            return new StartResult.Started(input.RunId, launch);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Run {RunId} could not be started", input.RunId);
            var reason = $"The run could not be started: {exception.Message}";
            if (await runs.FinishAsync(input.RunId, new RunEnd(TrainingStatus.Error, reason), CancellationToken.None))
            {
                metrics.RunEnded(TrainingStatus.Error);
            }
            return new StartResult.NotStarted(reason);
        }
    }

    /// <summary>Raises the stop flag of the active run and tells its executor. Returns the run's id, or null when none runs.</summary>
    public async Task<string?> StopAsync(IRetrainExecutor executor, CancellationToken cancellationToken)
    {
        var runId = await runs.RequestStopAsync(cancellationToken);
        if (runId is not null)
        {
            await executor.SignalStopAsync(runId, cancellationToken);
        }
        return runId;
    }

    /// <summary>
    /// The run trains on the corrections received until now. When they cannot be read, it trains without them rather
    /// than not at all, and says so in its input (no <c>correctionsUntil</c>).
    /// </summary>
    private async Task<RetrainInput> WithCorrectionsAsync(RetrainInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            return input with { CorrectionsUntil = now, Corrections = await corrections.CountTrainingAsync(cancellationToken) };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Run {RunId} trains without corrections: they could not be read", input.RunId);
            return input;
        }
    }

    private async Task<bool> TryBeginAsync(RetrainInput input, IRetrainExecutor executor, CancellationToken cancellationToken)
    {
        var lease = runState.Value.Lease;
        if (await runs.TryBeginAsync(input, lease, cancellationToken))
        {
            return true;
        }
        // The active run may be one its host has already ended (a terminated orchestration): end it now rather
        // than refuse every start until its lease runs out. Fenced by its id, so a live run is never touched.
        if (await runs.GetActiveRunIdAsync(cancellationToken) is not { } active || !await executor.HasEndedAsync(active, cancellationToken))
        {
            return false;
        }
        if (await runs.FinishAsync(active, new RunEnd(TrainingStatus.Interrupted, EndedByHostMessage), cancellationToken))
        {
            metrics.RunEnded(TrainingStatus.Interrupted);
            logger.LogWarning("Run {RunId} was ended by its host without finishing; marked it interrupted", active);
            await models.DeleteCheckpointAsync(active, cancellationToken);
        }
        return await runs.TryBeginAsync(input, lease, cancellationToken);
    }
}
