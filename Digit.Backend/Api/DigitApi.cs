using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Digit.Backend.Api;

/// <summary>The contract's routes on an ASP.NET Core app (the local server), described for its OpenAPI document.</summary>
public static class DigitApi
{
    /// <summary>Maps every route of <see cref="DigitRoutes"/> to its handler, with the answers each can give.</summary>
    public static IEndpointRouteBuilder MapDigitApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(DigitRoutes.Health, PredictionHandlers.GetHealth)
            .WithSummary("Health, and whether a model is served").Produces<HealthResponse>();
        routes.MapPost(DigitRoutes.Drawing, PredictionHandlers.PostDrawing)
            .WithSummary("Recognise the digit in a drawing").Accepts<DrawingRequest>("application/json").Produces<PredictionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.ModelAccuracy, PredictionHandlers.GetModelAccuracy)
            .WithSummary("Test accuracy of the served model (a fraction)").Produces<AccuracyResponse>();
        routes.MapPost(DigitRoutes.Retrain, TrainingHandlers.PostRetrain)
            .WithSummary("Start a retrain run").Produces<RetrainStartedResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapPost(DigitRoutes.StopTraining, TrainingHandlers.PostStopTraining)
            .WithSummary("Stop the active run (also by navigator.sendBeacon)").Produces<MessageResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.ModelStatus, TrainingHandlers.GetModelStatus)
            .WithSummary("Status of the latest run").Produces<ModelStatusResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.TrainingProgress, TrainingHandlers.GetTrainingProgress)
            .WithSummary("Progress of the active run, {} when none").Produces<ProgressResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.ProgressStream, TrainingHandlers.GetProgressStream)
            .WithSummary("Progress as server-sent events until the run ends").Produces<ProgressResponse>(contentType: "text/event-stream");
        routes.MapGet(DigitRoutes.Run, TrainingHandlers.GetRun)
            .WithSummary("A run's status, shaped like a Durable instance status").Produces<RunStatusResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.Models, ModelHandlers.GetModels).AddEndpointFilter<AdminTokenFilter>()
            .WithSummary("Every stored model version (bearer token)").Produces<ModelsResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet(DigitRoutes.ModelVersions, ModelHandlers.GetModels)
            .WithSummary("Every stored model version, read-only (public)").Produces<ModelsResponse>();
        routes.MapPost(DigitRoutes.ActivateModel, ModelHandlers.PostActivate).AddEndpointFilter<AdminTokenFilter>()
            .WithSummary("Serve this version from now on, on every instance (bearer token)").Produces<ActivatedResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        routes.MapPost(DigitRoutes.Feedback, FeedbackHandlers.PostFeedback)
            .WithSummary("Send the true digit of a drawing (a correction)").Accepts<FeedbackRequest>("application/json")
            .Produces<FeedbackResponse>(StatusCodes.Status201Created).Produces<FeedbackResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.FeedbackCount, FeedbackHandlers.GetCount)
            .WithSummary("How many corrections are stored, for training and held out").Produces<FeedbackCountResponse>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.Feedback, FeedbackHandlers.GetSummary).AddEndpointFilter<AdminTokenFilter>()
            .WithSummary("Corrections per label and right/wrong per model version (bearer token)").Produces<FeedbackSummaryResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapDelete(DigitRoutes.FeedbackItem, FeedbackHandlers.DeleteCorrection).AddEndpointFilter<AdminTokenFilter>()
            .WithSummary("Delete one correction (bearer token)").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet(DigitRoutes.Page, PageHandlers.GetPage)
            .WithSummary("The built-in page: draw, predict, correct, train, watch, model versions").Produces(StatusCodes.Status200OK, contentType: "text/html");
        routes.MapGet(DigitRoutes.PageFile, PageHandlers.GetPageFile)
            .WithSummary("The built-in page's script, stylesheet and icon").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }
}
