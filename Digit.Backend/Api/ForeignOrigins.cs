using Digit.Backend.Hosting;
using Microsoft.AspNetCore.Http;

namespace Digit.Backend.Api;

/// <summary>
/// A page on another site can send a simple POST; CORS only hides the answer. So a state-changing request whose
/// Origin is present and not the frontend's is refused. Requests without Origin (curl, servers) pass.
/// </summary>
internal static class ForeignOrigins
{
    /// <summary>The 403 for a request from a foreign page, or null when it may go on.</summary>
    public static IResult? Refuse(HttpRequest request, FrontendOptions frontend)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || frontend.Allows(origin) ? null : ApiProblems.ForeignOrigin(origin);
    }
}
