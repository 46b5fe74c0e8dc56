using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Digit.Service.Api;

/// <summary>Every route of the contract (shared/contract.md), trailing slashes included, in one place.</summary>
public static class DigitApi
{
    public static IEndpointRouteBuilder MapDigitApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", PredictionHandlers.GetHealth);
        routes.MapPost("/api/drawing/", PredictionHandlers.PostDrawing);
        routes.MapGet("/api/model_accuracy/", PredictionHandlers.GetModelAccuracy);
        routes.MapPost("/api/retrain_model/", TrainingHandlers.PostRetrain);
        routes.MapPost("/api/stop_training/", TrainingHandlers.PostStopTraining);
        routes.MapGet("/api/check_model_status/", TrainingHandlers.GetModelStatus);
        routes.MapGet("/api/training_progress/", TrainingHandlers.GetTrainingProgress);
        routes.MapGet("/api/progress/", TrainingHandlers.GetProgressStream);
        routes.MapGet("/api/runs/{runId}/", TrainingHandlers.GetRun);
        return routes;
    }
}
