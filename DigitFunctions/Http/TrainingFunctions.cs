using Digit.Backend.Api;
using Digit.Backend.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
#if PREDICT_ONLY
using Digit.Functions.Hosting;
#else
using Digit.Backend.Hosting;
using Digit.Backend.Retraining;
using Digit.Functions.Retraining;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
#endif

namespace Digit.Functions.Http;

/// <summary>
/// The training routes of the contract; each calls the shared handler. Start and stop get an executor around the
/// Durable client that Functions binds to this invocation; in the predict-only app they answer that training runs in
/// the training app, and the status routes read the run store both apps share.
/// </summary>
#if PREDICT_ONLY
public sealed class TrainingFunctions(
    IRunStore runs,
    LastKnownProgress lastKnown,
    IOptions<TrainingAppOptions> trainingApp,
    TimeProvider time)
#else
public sealed class TrainingFunctions(
    RunCoordinator coordinator,
    IRunStore runs,
    LastKnownProgress lastKnown,
    IOptions<FrontendOptions> frontend,
    TimeProvider time,
    ILogger<TrainingFunctions> logger)
#endif
{
#if PREDICT_ONLY
    /// <summary>The predict-only app does not train: 503 naming the training app (TRAINING_APP_URL).</summary>
    [Function(nameof(RetrainModel))]
    public IResult RetrainModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DigitRoutes.Retrain)] HttpRequest request) =>
        TrainingElsewhere.Answer(trainingApp.Value, DigitRoutes.Retrain);

    /// <summary>The predict-only app runs no training to stop: 503 naming the training app (TRAINING_APP_URL).</summary>
    [Function(nameof(StopTraining))]
    public IResult StopTraining(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DigitRoutes.StopTraining)] HttpRequest request) =>
        TrainingElsewhere.Answer(trainingApp.Value, DigitRoutes.StopTraining);
#else
    [Function(nameof(RetrainModel))]
    public Task<IResult> RetrainModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DigitRoutes.Retrain)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        TrainingHandlers.PostRetrain(request, coordinator, new DurableRetrainExecutor(client, logger), frontend, cancellationToken);

    [Function(nameof(StopTraining))]
    public Task<IResult> StopTraining(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DigitRoutes.StopTraining)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        TrainingHandlers.PostStopTraining(request, coordinator, new DurableRetrainExecutor(client, logger), frontend, cancellationToken);
#endif

    [Function(nameof(CheckModelStatus))]
    public Task<IResult> CheckModelStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.ModelStatus)] HttpRequest request,
        CancellationToken cancellationToken) =>
        TrainingHandlers.GetModelStatus(runs, cancellationToken);

    [Function(nameof(TrainingProgress))]
    public Task<IResult> TrainingProgress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.TrainingProgress)] HttpRequest request,
        CancellationToken cancellationToken) =>
        TrainingHandlers.GetTrainingProgress(runs, lastKnown, cancellationToken);

    /// <summary>Server-sent events, written straight to the response through the ASP.NET Core integration.</summary>
    [Function(nameof(Progress))]
    public IResult Progress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.ProgressStream)] HttpRequest request) =>
        TrainingHandlers.GetProgressStream(runs, lastKnown, time, request.HttpContext);

    /// <summary>A run's status from the run store; a 202's statusQueryGetUri is Durable's own status URL.</summary>
    [Function(nameof(Run))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.Run)] HttpRequest request,
        string runId,
        CancellationToken cancellationToken) =>
        TrainingHandlers.GetRun(runId, runs, cancellationToken);
}
