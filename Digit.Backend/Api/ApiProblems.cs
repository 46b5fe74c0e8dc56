using Microsoft.AspNetCore.Http;

namespace Digit.Backend.Api;

/// <summary>
/// The one error shape: ProblemDetails (application/problem+json) with title, status and detail, plus the
/// <c>error</c> member that clients of the old service read.
/// </summary>
public static class ApiProblems
{
    /// <summary>Seconds a client should wait before trying again after a 503.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>An error answer; <paramref name="extensions"/> adds members (the 409's <c>message</c>).</summary>
    public static IResult Create(int status, string error, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var members = new Dictionary<string, object?> { ["error"] = error };
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            members[name] = value;
        }
        return Results.Problem(detail: detail, statusCode: status, title: error, extensions: members);
    }

    /// <summary>503 with <c>Retry-After</c>: a dependency (the run store, the model store) cannot be reached now.</summary>
    public static IResult Unavailable(string error, string detail) =>
        new RetryAfterResult(Create(StatusCodes.Status503ServiceUnavailable, error, detail), RetryAfterSeconds);

    /// <summary>403: a state-changing request from a page on an origin that is not the frontend's.</summary>
    public static IResult ForeignOrigin(string origin) => Create(
        StatusCodes.Status403Forbidden,
        "Origin not allowed",
        $"Requests from pages on {origin} may not start or stop training or send corrections; allowed origins are set by FRONTEND_URL.");

    /// <summary>429 with <c>Retry-After</c> in whole seconds: this client sent more than its rate allows.</summary>
    public static IResult TooManyRequests(string detail, TimeSpan retryAfter) => new RetryAfterResult(
        Create(StatusCodes.Status429TooManyRequests, "Too many requests", detail),
        (int)Math.Ceiling(retryAfter.TotalSeconds));

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
