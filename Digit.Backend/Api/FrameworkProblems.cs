using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Digit.Backend.Api;

/// <summary>
/// Gives the answers ASP.NET Core writes itself (routing's 404 and 405, host filtering's 400, an unhandled exception's
/// 500) the one problem shape of <see cref="ApiProblems"/>: an <c>error</c> member and a <c>detail</c> that says what
/// happened. Problems our handlers write already carry both and are left as they are.
/// </summary>
internal static class FrameworkProblems
{
    /// <summary>For <c>ProblemDetailsOptions.CustomizeProblemDetails</c>.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("error"))
        {
            return;
        }
        var http = context.HttpContext;
        var status = problem.Status ?? http.Response.StatusCode;
        var (error, detail) = status switch
        {
            StatusCodes.Status404NotFound => ("Not found", $"No route answers {http.Request.Method} {http.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => (
                "Method not allowed",
                $"{http.Request.Method} is not allowed on {http.Request.Path}; the Allow header lists what is."),
            // Host filtering refuses a request before routing; its Host header is never repeated.
            StatusCodes.Status400BadRequest when http.GetEndpoint() is null => (
                "Host not allowed",
                "The request's Host header names no host this server answers; AllowedHosts lists them."),
            StatusCodes.Status500InternalServerError => ("Internal error", "The server failed to answer this request; its log says why."),
            _ => (ReasonPhrases.GetReasonPhrase(status), ReasonPhrases.GetReasonPhrase(status)),
        };
        problem.Status = status;
        problem.Title = error;
        problem.Detail ??= detail;
        problem.Extensions["error"] = error;
    }
}
