using Digit.Backend.Api;
using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Digit.Functions.Http;

/// <summary>The prediction routes of the contract; each calls the shared handler. Nothing here loads TorchSharp.</summary>
public sealed class PredictionFunctions(ModelProvider models, ModelWatcher watcher, DrawingRecognizer recognizer, DecodeTurns turns, ILoggerFactory loggers)
{
    /// <summary>
    /// GET / . A trigger with an empty route never binds (Azure/Azure-Functions#2473), so the route is an optional
    /// parameter that only an empty path matches; AzureWebJobsDisableHomepage=true keeps the host's page away.
    /// </summary>
    [Function(nameof(Health))]
    public IResult Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{ignored:maxlength(0)?}")] HttpRequest request) =>
        PredictionHandlers.GetHealth(models);

    [Function(nameof(Drawing))]
    public Task<IResult> Drawing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DigitRoutes.Drawing)] HttpRequest request,
        CancellationToken cancellationToken) =>
        PredictionHandlers.PostDrawing(request, recognizer, turns, loggers, cancellationToken);

    [Function(nameof(ModelAccuracy))]
    public Task<IResult> ModelAccuracy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.ModelAccuracy)] HttpRequest request,
        CancellationToken cancellationToken) =>
        PredictionHandlers.GetModelAccuracy(models, watcher, cancellationToken);
}
