using Digit.Functions.Retraining;
using Digit.Service.Api;
using Digit.Service.Hosting;
using Digit.Service.Retraining.Steps;
using Digit.Service.Training;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Functions.Http;

/// <summary>
/// The training routes of the contract; each calls the shared handler. Start and stop get a launcher around the
/// Durable client that Functions binds to this invocation.
/// </summary>
public sealed class TrainingFunctions(
    ITrainingStateStore state,
    IOptions<DigitOptions> options,
    RetrainStepOptions stepOptions,
    TimeProvider time,
    ILoggerFactory loggers)
{
    [Function(nameof(RetrainModel))]
    public Task<IResult> RetrainModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/retrain_model")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        TrainingHandlers.PostRetrain(request, state, new DurableRetrainLauncher(client), options, stepOptions, loggers, cancellationToken);

    [Function(nameof(StopTraining))]
    public Task<IResult> StopTraining(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/stop_training")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        TrainingHandlers.PostStopTraining(state, new DurableRetrainLauncher(client), cancellationToken);

    [Function(nameof(CheckModelStatus))]
    public Task<IResult> CheckModelStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/check_model_status")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TrainingHandlers.GetModelStatus(state, cancellationToken);

    [Function(nameof(TrainingProgress))]
    public Task<IResult> TrainingProgress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/training_progress")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TrainingHandlers.GetTrainingProgress(state, cancellationToken);

    /// <summary>Server-sent events, written straight to the response through the ASP.NET Core integration.</summary>
    [Function(nameof(Progress))]
    public IResult Progress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/progress")] HttpRequest request) =>
        TrainingHandlers.GetProgressStream(state, time, options);
}
