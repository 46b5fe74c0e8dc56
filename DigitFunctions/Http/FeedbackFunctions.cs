using Digit.Backend.Api;
using Digit.Backend.Corrections;
using Digit.Backend.Hosting;
using Digit.Inference.Corrections;
using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Functions.Http;

/// <summary>
/// The correction routes; each calls the shared handler. Sending one and the count are anonymous (the frontend sends
/// no key); the summary and deletes need a function key, as the model routes do.
/// </summary>
public sealed class FeedbackFunctions(
    DrawingRecognizer recognizer,
    DecodeTurns turns,
    CorrectionIntake intake,
    FeedbackRateLimiter limiter,
    ICorrectionStore store,
    IOptions<FrontendOptions> frontend,
    TimeProvider time,
    ILoggerFactory loggers)
{
    [Function(nameof(Feedback))]
    public Task<IResult> Feedback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DigitRoutes.Feedback)] HttpRequest request,
        CancellationToken cancellationToken) =>
        FeedbackHandlers.PostFeedback(request, recognizer, turns, intake, limiter, frontend, time, loggers, cancellationToken);

    [Function(nameof(FeedbackCount))]
    public Task<IResult> FeedbackCount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.FeedbackCount)] HttpRequest request,
        CancellationToken cancellationToken) =>
        FeedbackHandlers.GetCount(store, cancellationToken);

    [Function(nameof(FeedbackSummary))]
    public Task<IResult> FeedbackSummary(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DigitRoutes.Feedback)] HttpRequest request,
        CancellationToken cancellationToken) =>
        FeedbackHandlers.GetSummary(store, intake, cancellationToken);

    [Function(nameof(DeleteFeedback))]
    public Task<IResult> DeleteFeedback(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = DigitRoutes.FeedbackItem)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        FeedbackHandlers.DeleteCorrection(id, store, cancellationToken);
}
