using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Hosting;

/// <summary>The CORS policy for the frontend: only the origins in FRONTEND_URL, any header, GET and POST.</summary>
internal sealed class FrontendCorsSetup(IOptions<FrontendOptions> options) : IConfigureOptions<CorsOptions>
{
    public void Configure(CorsOptions cors)
    {
        cors.AddPolicy(DigitServiceCollectionExtensions.CorsPolicy, policy => policy
            .WithOrigins(options.Value.Origins)
            .WithMethods("GET", "POST")
            .AllowAnyHeader());
    }
}
