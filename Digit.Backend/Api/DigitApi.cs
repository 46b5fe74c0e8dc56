using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Digit.Backend.Api;

/// <summary>The contract's routes on an ASP.NET Core app (the local server).</summary>
public static class DigitApi
{
    /// <summary>Maps every route of <see cref="DigitRoutes"/> to its handler.</summary>
    public static IEndpointRouteBuilder MapDigitApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(DigitRoutes.Health, PredictionHandlers.GetHealth);
        routes.MapPost(DigitRoutes.Drawing, PredictionHandlers.PostDrawing);
        routes.MapGet(DigitRoutes.ModelAccuracy, PredictionHandlers.GetModelAccuracy);
        routes.MapPost(DigitRoutes.Retrain, TrainingHandlers.PostRetrain);
        routes.MapPost(DigitRoutes.StopTraining, TrainingHandlers.PostStopTraining);
        routes.MapGet(DigitRoutes.ModelStatus, TrainingHandlers.GetModelStatus);
        routes.MapGet(DigitRoutes.TrainingProgress, TrainingHandlers.GetTrainingProgress);
        routes.MapGet(DigitRoutes.ProgressStream, TrainingHandlers.GetProgressStream);
        routes.MapGet(DigitRoutes.Run, TrainingHandlers.GetRun);
        routes.MapGet(DigitRoutes.Models, ModelHandlers.GetModels).AddEndpointFilter<AdminTokenFilter>();
        routes.MapPost(DigitRoutes.ActivateModel, ModelHandlers.PostActivate).AddEndpointFilter<AdminTokenFilter>();
        return routes;
    }
}
