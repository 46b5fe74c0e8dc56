using Digit.Service.Hosting;
using Digit.Service.Retraining;
using Digit.Service.Retraining.Steps;
using Digit.Service.Training;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Service.Api;

/// <summary>Handlers of the retraining routes: start, stop, status, progress and the progress stream.</summary>
public static class TrainingHandlers
{
    public const string AlreadyRunningMessage = "Training is already in progress. Wait for it to finish or stop it first.";

    public static async Task<IResult> PostRetrain(
        HttpRequest request,
        ITrainingStateStore state,
        IRetrainLauncher launcher,
        IOptions<DigitOptions> options,
        RetrainStepOptions stepOptions,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var input = new RetrainInput(launcher.NewRunId(), settings.TrainingEpochs, settings.TrainingBatchSize, settings.TrainingSeed);
        // The single-run rule is decided here, atomically in the shared state, before anything starts.
        if (!await state.TryBeginRunAsync(input.RunId, input.Epochs, stepOptions.LeaseOwner, stepOptions.LeaseDuration, cancellationToken))
        {
            return Results.Json(new MessageResponse(AlreadyRunningMessage), statusCode: StatusCodes.Status409Conflict);
        }
        RetrainLaunch launch;
        try
        {
            launch = await launcher.LaunchAsync(input, request, cancellationToken);
        }
        catch (RetrainAlreadyRunningException)
        {
            // The host still runs an earlier instance (the Azure app reuses one id): the run begun above never
            // started, so it must not stay in progress until its lease runs out.
            await state.FinishRunAsync(input.RunId, TrainingStatus.Interrupted, "Not started: an earlier training run was still running.", null, CancellationToken.None);
            return Results.Json(new MessageResponse(AlreadyRunningMessage), statusCode: StatusCodes.Status409Conflict);
        }
        catch (Exception exception)
        {
            loggers.CreateLogger(nameof(TrainingHandlers)).LogError(exception, "Run {RunId} could not be started", input.RunId);
            await state.FinishRunAsync(input.RunId, TrainingStatus.Error, $"The run could not be started: {exception.Message}", null, CancellationToken.None);
            throw;
        }
        var body = new RetrainStartedResponse("Model creation started", launch.RunId, launch.StatusQueryGetUri)
        {
            ManagementUrls = launch.ManagementUrls?.ToDictionary(pair => pair.Key, pair => (object)pair.Value),
        };
        return Results.Json(body, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Accepts an empty or text/plain body: the frontend also calls it with navigator.sendBeacon.</summary>
    public static async Task<IResult> PostStopTraining(ITrainingStateStore state, IRetrainLauncher launcher, CancellationToken cancellationToken)
    {
        var runId = await state.RequestStopAsync(cancellationToken);
        if (runId is null)
        {
            return Results.Ok(new MessageResponse("Training not in progress."));
        }
        await launcher.SignalStopAsync(runId, cancellationToken);
        return Results.Ok(new MessageResponse("Stop signal sent."));
    }

    public static async Task<IResult> GetModelStatus(ITrainingStateStore state, CancellationToken cancellationToken) =>
        Results.Ok(new ModelStatusResponse((await state.GetStatusAsync(cancellationToken)).ToContractName()));

    public static async Task<IResult> GetTrainingProgress(ITrainingStateStore state, CancellationToken cancellationToken)
    {
        var progress = await state.GetProgressAsync(cancellationToken);
        return progress is null ? Results.Ok(new { }) : Results.Ok(ToResponse(progress));
    }

    public static IResult GetProgressStream(ITrainingStateStore state, TimeProvider time, IOptions<DigitOptions> options) =>
        new ProgressStreamResult(state, time, options.Value.ProgressEventInterval);

    public static async Task<IResult> GetRun(string runId, ITrainingStateStore state, CancellationToken cancellationToken)
    {
        var run = await state.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "Unknown run", $"No training run has the id '{runId}'.");
        }
        var finished = run.Status.IsFinal();
        return Results.Ok(new RunStatusResponse(
            "RetrainOrchestrator",
            run.RunId,
            finished ? "Completed" : "Running",
            run.Progress is null || finished ? null : ToResponse(run.Progress),
            finished ? new RunOutput(run.Status.ToContractName(), run.Message, run.Accuracy) : null,
            run.CreatedTime,
            run.LastUpdatedTime));
    }

    public static ProgressResponse ToResponse(TrainingProgress progress) =>
        new(progress.MaxEpochs, progress.Percentage, progress.Epoch, progress.Accuracy);
}
