using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Digit.Service.Hosting;

/// <summary>The CORS policy for the frontend: only the origins in FRONTEND_URL, any header, GET and POST.</summary>
public sealed class FrontendCorsSetup(IOptions<DigitOptions> options) : IConfigureOptions<CorsOptions>
{
    public void Configure(CorsOptions cors)
    {
        cors.AddPolicy(DigitServiceCollectionExtensions.CorsPolicy, policy => policy
            .WithOrigins(options.Value.FrontendOrigins)
            .WithMethods("GET", "POST")
            .AllowAnyHeader());
    }
}
