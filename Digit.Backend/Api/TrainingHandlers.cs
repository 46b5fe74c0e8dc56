using Digit.Backend.Hosting;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Inference.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Api;

/// <summary>Handlers of the retraining routes: start, stop, status, progress, the progress stream and a run's status.</summary>
public static class TrainingHandlers
{
    /// <summary>The 409's <c>message</c>, as the original service wrote it.</summary>
    public const string AlreadyRunningMessage = "Training is already in progress. Wait for it to finish or stop it first.";

    /// <summary>Starts a run (202), or says one is already active anywhere (409).</summary>
    public static async Task<IResult> PostRetrain(
        HttpRequest request,
        RunCoordinator coordinator,
        IRetrainExecutor executor,
        IOptions<FrontendOptions> frontend,
        CancellationToken cancellationToken)
    {
        if (ForeignOrigins.Refuse(request, frontend.Value) is { } refused)
        {
            return refused;
        }
        return await WhenStoreAnswersAsync(async () => await coordinator.StartAsync(executor, cancellationToken) switch
        {
            StartResult.Started started => Results.Json(
                new RetrainStartedResponse(
                    "Model creation started",
                    started.RunId,
                    started.Launch.StatusQueryGetUri ?? DigitRoutes.RunUrl($"{request.Scheme}://{request.Host}{request.PathBase}", started.RunId))
                {
                    ManagementUrls = started.Launch.ManagementUrls.ToDictionary(pair => pair.Key, pair => (object)pair.Value),
                },
                statusCode: StatusCodes.Status202Accepted),
            StartResult.AlreadyRunning => ApiProblems.Create(
                StatusCodes.Status409Conflict,
                "Training already in progress",
                "A training run is active; wait for it to finish or stop it first.",
                new Dictionary<string, object?> { ["message"] = AlreadyRunningMessage }),
            StartResult.NotStarted notStarted => ApiProblems.Unavailable("Training could not be started", notStarted.Reason),
            var other => throw new InvalidOperationException($"Unknown start result {other}."),
        });
    }

    /// <summary>Accepts an empty or text/plain body: the frontend also calls it with navigator.sendBeacon.</summary>
    public static async Task<IResult> PostStopTraining(
        HttpRequest request,
        RunCoordinator coordinator,
        IRetrainExecutor executor,
        IOptions<FrontendOptions> frontend,
        CancellationToken cancellationToken)
    {
        if (ForeignOrigins.Refuse(request, frontend.Value) is { } refused)
        {
            return refused;
        }
        return await WhenStoreAnswersAsync(async () => await coordinator.StopAsync(executor, cancellationToken) is null
            ? Results.Ok(new MessageResponse("Training not in progress."))
            : Results.Ok(new MessageResponse("Stop signal sent.")));
    }

    /// <summary>The latest run's status.</summary>
    public static Task<IResult> GetModelStatus(IRunStore runs, CancellationToken cancellationToken) =>
        WhenStoreAnswersAsync(async () =>
            Results.Ok(new ModelStatusResponse((await runs.GetStatusAsync(cancellationToken)).ToContractName())));

    /// <summary>The active run's progress, or <c>{}</c> when none is active.</summary>
    public static Task<IResult> GetTrainingProgress(IRunStore runs, LastKnownProgress lastKnown, CancellationToken cancellationToken) =>
        WhenStoreAnswersAsync(async () =>
        {
            var progress = await runs.GetProgressAsync(cancellationToken);
            lastKnown.Remember(progress);
            return progress is null ? Results.Ok(new { }) : Results.Ok(ProgressResponse.From(progress));
        });

    /// <summary>The progress as server-sent events (unbuffered, flushed after each), until the run ends or the client leaves.</summary>
    public static IResult GetProgressStream(IRunStore runs, LastKnownProgress lastKnown, TimeProvider time, HttpContext context)
    {
        // Proxies such as nginx buffer a response unless told otherwise, which would hold the events back.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(new ProgressStream(runs, lastKnown, time).ReadAsync(context.RequestAborted));
    }

    /// <summary>One run's status in the shape of a Durable instance status.</summary>
    public static Task<IResult> GetRun(string runId, IRunStore runs, CancellationToken cancellationToken)
    {
        if (!ModelStoreNames.IsValid(runId))
        {
            return Task.FromResult(ApiProblems.Create(
                StatusCodes.Status400BadRequest, "Malformed run id", "A run id holds only letters, digits, '.', '_' and '-'."));
        }
        return WhenStoreAnswersAsync(async () => await runs.GetRunAsync(runId, cancellationToken) is { } run
            ? Results.Ok(RunStatusResponse.From(run))
            : ApiProblems.Create(StatusCodes.Status404NotFound, "Unknown run", $"No training run has the id '{runId}'."));
    }

    /// <summary>The handler's answer, or 503 with Retry-After when the run store cannot be reached.</summary>
    private static async Task<IResult> WhenStoreAnswersAsync(Func<Task<IResult>> handle)
    {
        try
        {
            return await handle();
        }
        catch (RunStoreUnavailableException exception)
        {
            return ApiProblems.Unavailable("Training state unavailable", exception.Message);
        }
    }
}
