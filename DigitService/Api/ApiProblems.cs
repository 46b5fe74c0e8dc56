using Microsoft.AspNetCore.Http;

namespace Digit.Service.Api;

/// <summary>
/// The one error shape: ProblemDetails (application/problem+json) with title, status and detail, plus the
/// <c>error</c> member that clients of the old service read.
/// </summary>
public static class ApiProblems
{
    public static IResult Create(int status, string error, string detail) => Results.Problem(
        detail: detail,
        statusCode: status,
        title: error,
        extensions: new Dictionary<string, object?> { ["error"] = error });
}
