using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>
/// The browser origins of the frontend: allowed by CORS and allowed to start and stop training; and this server's own
/// origin, where its built-in page (/app/) runs.
/// </summary>
public sealed class FrontendOptions : IValidatableObject
{
    /// <summary>Allowed origins, comma-separated.</summary>
    [ConfigurationKeyName("FRONTEND_URL"), RequiredSetting("a text")]
    [Description("origins allowed by CORS and to start or stop training, comma-separated")]
    public string Urls { get; set; } = "http://localhost:3000";

    /// <summary>The allowed origins (scheme, host and port; no trailing slash).</summary>
    public string[] Origins => Urls
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(origin => origin.TrimEnd('/'))
        .ToArray();

    /// <summary>Whether a request's <c>Origin</c> header names an allowed origin.</summary>
    public bool Allows(string origin) => Origins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The app's public host name (and port, if any) as Azure Functions names it: Azure sets WEBSITE_HOSTNAME on every
    /// Function App, and <c>func start</c> sets it too. Unset on the local server.
    /// </summary>
    [ConfigurationKeyName("WEBSITE_HOSTNAME")]
    [Description("the app's own host name, set by Azure Functions and func start: pages on it (the built-in /app/) may start and stop training; unset, the request's Host is trusted, as AllowedHosts filters it")]
    public string? SiteHost { get; set; }

    /// <summary>
    /// Whether <paramref name="origin"/> is the origin of the request itself (<paramref name="scheme"/> and
    /// <paramref name="host"/>), as a browser sends it with a POST from the built-in page. The Host header is a name the
    /// client chose, so it counts only where something vouches for it: with <see cref="SiteHost"/> set (Functions) the
    /// host must be that name, and <c>https://</c> on it is always the app's own (Azure ends TLS in front of the app);
    /// without it (the local server) host filtering has already refused every name but the server's own.
    /// </summary>
    public bool IsOwnOrigin(string origin, string scheme, string host)
    {
        var own = origin.TrimEnd('/');
        if (string.IsNullOrEmpty(SiteHost))
        {
            return string.Equals(own, $"{scheme}://{host}", StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(own, $"https://{SiteHost}", StringComparison.OrdinalIgnoreCase)
            || (string.Equals(host, SiteHost, StringComparison.OrdinalIgnoreCase)
                && string.Equals(own, $"{scheme}://{host}", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Each origin must be an absolute http(s) URL without a path.</summary>
    public IEnumerable<string> Problems() =>
        from origin in Origins
        where !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/"
        select $"FRONTEND_URL holds '{origin}': expected origins such as http://localhost:3000, comma-separated.";

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) =>
        Problems().Select(problem => new ValidationResult(problem));
}
