using Digit.Backend.Hosting;
using Microsoft.AspNetCore.Http;

namespace Digit.Backend.Api;

/// <summary>
/// A page on another site can send a simple POST; CORS only hides the answer. So a state-changing request whose
/// Origin is present and neither the frontend's nor this server's own (the built-in page) is refused. Requests without
/// Origin (curl, servers) pass.
/// </summary>
internal static class ForeignOrigins
{
    /// <summary>The 403 for a request from a foreign page, or null when it may go on.</summary>
    public static IResult? Refuse(HttpRequest request, FrontendOptions frontend)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || frontend.Allows(origin) || frontend.IsOwnOrigin(origin, request.Scheme, request.Host.Value ?? string.Empty)
            ? null
            : ApiProblems.ForeignOrigin(origin);
    }
}
