using Digit.Backend.Api;
using Digit.Functions.Hosting;
using Microsoft.AspNetCore.Http;

namespace Digit.Functions.Http;

/// <summary>The predict-only app's answer to a retrain or stop request: 503 naming the app that trains.</summary>
internal static class TrainingElsewhere
{
    /// <summary>The error member of the answer.</summary>
    public const string Error = "Training runs in the training app";

    /// <summary>
    /// 503 without Retry-After (asking this app again will not help), with <c>training_app</c>: the same route on the
    /// training app, or null when TRAINING_APP_URL is not set.
    /// </summary>
    public static IResult Answer(TrainingAppOptions options, string route)
    {
        var there = string.IsNullOrEmpty(options.Url) ? null : $"{options.Url.TrimEnd('/')}/{route}";
        var detail = there is null
            ? $"This app only predicts; send POST /{route} to the app that trains (TRAINING_APP_URL names it, and is not set here)."
            : $"This app only predicts; send POST /{route} to the app that trains: {there}";
        return ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, Error, detail,
            new Dictionary<string, object?> { ["training_app"] = there });
    }
}
