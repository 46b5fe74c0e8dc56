using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>The browser origins of the frontend: allowed by CORS and allowed to start and stop training.</summary>
public sealed class FrontendOptions : ICheckedSettings
{
    /// <summary>Allowed origins, comma-separated.</summary>
    [ConfigurationKeyName("FRONTEND_URL"), Required]
    [Description("origins allowed by CORS and to start or stop training, comma-separated")]
    public string Urls { get; set; } = "http://localhost:3000";

    /// <summary>The allowed origins (scheme, host and port; no trailing slash).</summary>
    public string[] Origins => Urls
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(origin => origin.TrimEnd('/'))
        .ToArray();

    /// <summary>Whether a request's <c>Origin</c> header names an allowed origin.</summary>
    public bool Allows(string origin) => Origins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);

    /// <summary>Each origin must be an absolute http(s) URL without a path.</summary>
    public IEnumerable<string> Problems() =>
        from origin in Origins
        where !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/"
        select $"FRONTEND_URL holds '{origin}': expected origins such as http://localhost:3000, comma-separated.";
}
