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
    public static IResult Unavailable(string error, string detail) => new RetryAfterResult(Create(StatusCodes.Status503ServiceUnavailable, error, detail));

    /// <summary>403: a state-changing request from a page on an origin that is not the frontend's.</summary>
    public static IResult ForeignOrigin(string origin) => Create(
        StatusCodes.Status403Forbidden,
        "Origin not allowed",
        $"Requests from pages on {origin} may not start or stop training; allowed origins are set by FRONTEND_URL.");

    private sealed class RetryAfterResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
