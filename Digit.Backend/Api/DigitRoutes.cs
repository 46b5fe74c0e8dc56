namespace Digit.Backend.Api;

/// <summary>
/// Every route of the contract (shared/contract.md), trailing slashes included, declared once: the local server
/// maps them, and the Functions app's triggers use the same constants.
/// </summary>
public static class DigitRoutes
{
    /// <summary>GET: health.</summary>
    public const string Health = "/";

    /// <summary>POST: a drawing to recognise.</summary>
    public const string Drawing = "api/drawing/";

    /// <summary>GET: the served model's test accuracy.</summary>
    public const string ModelAccuracy = "api/model_accuracy/";

    /// <summary>POST: start a retrain run.</summary>
    public const string Retrain = "api/retrain_model/";

    /// <summary>POST: stop the active run.</summary>
    public const string StopTraining = "api/stop_training/";

    /// <summary>GET: the latest run's status.</summary>
    public const string ModelStatus = "api/check_model_status/";

    /// <summary>GET: the active run's progress.</summary>
    public const string TrainingProgress = "api/training_progress/";

    /// <summary>GET: the progress as server-sent events.</summary>
    public const string ProgressStream = "api/progress/";

    /// <summary>GET: one run's Durable-style status (a 202's <c>statusQueryGetUri</c> on the local server).</summary>
    public const string Run = "api/runs/{runId}/";

    /// <summary>GET: every stored model version (not anonymous).</summary>
    public const string Models = "api/models/";

    /// <summary>GET: every stored model version, read-only and public (what the built-in page shows).</summary>
    public const string ModelVersions = "api/model_versions/";

    /// <summary>POST: serve this version from now on (not anonymous).</summary>
    public const string ActivateModel = "api/models/{version}/activate";

    /// <summary>POST: the true digit of a drawing (a correction); GET: the corrections summary (not anonymous).</summary>
    public const string Feedback = "api/feedback/";

    /// <summary>GET: how many corrections are stored, for training and held out.</summary>
    public const string FeedbackCount = "api/feedback/count/";

    /// <summary>DELETE: remove one correction (not anonymous).</summary>
    public const string FeedbackItem = "api/feedback/{id}";

    /// <summary>GET: the built-in page.</summary>
    public const string Page = "app/";

    /// <summary>GET: a file of the built-in page (<c>app/app.js</c>, <c>app/app.css</c>, <c>app/icon.svg</c>).</summary>
    public const string PageFile = "app/{file}";

    /// <summary>The absolute status URL of a run, for a server whose base URL is <paramref name="baseUrl"/>.</summary>
    public static string RunUrl(string baseUrl, string runId) => $"{baseUrl.TrimEnd('/')}/{Run.Replace("{runId}", Uri.EscapeDataString(runId), StringComparison.Ordinal)}";
}
