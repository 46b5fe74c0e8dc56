using System.Security.Cryptography;
using System.Text;
using Digit.Backend.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Api;

/// <summary>
/// The local server's guard of the admin routes (model versions, the corrections summary and deletes): <c>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</c>. Without ADMIN_TOKEN
/// the routes do not exist (404); a missing or wrong token is a 401.
/// </summary>
internal sealed class AdminTokenFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (options.Value.Token is not { Length: > 0 } token)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "Not found", "The admin routes are off: set ADMIN_TOKEN to use them.");
        }
        var given = context.HttpContext.Request.Headers.Authorization.ToString();
        var expected = "Bearer " + token;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiProblems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", "Send Authorization: Bearer with the ADMIN_TOKEN.");
        }
        return await next(context);
    }
}
