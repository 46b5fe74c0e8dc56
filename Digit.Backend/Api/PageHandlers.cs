using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Digit.Backend.Api;

/// <summary>
/// The built-in page at /app/ (draw, predict, correct, train, watch, model versions) and its script, stylesheet and
/// icon: one copy, embedded in this library, served the same way by both hosts.
/// </summary>
public static class PageHandlers
{
    /// <summary>The policy every answer under /app/ carries: files from this origin only, so no inline script or style.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'";

    private const string ResourcePrefix = "Digit.App.";
    private const string IndexFile = "index.html";

    private static readonly FrozenDictionary<string, PageFile> Files = LoadFiles();

    /// <summary>GET /app/ : the page.</summary>
    public static IResult GetPage(HttpRequest request)
    {
        SetHeaders(request.HttpContext.Response);
        // The page names its files relative to /app/, so /app without the slash would load /app.js.
        return request.Path.Value!.EndsWith('/')
            ? Serve(request.HttpContext.Response, IndexFile)
            : Results.Redirect($"{request.PathBase}{request.Path}/{request.QueryString}", permanent: true);
    }

    /// <summary>GET /app/{file} : the page's script, stylesheet or icon.</summary>
    public static IResult GetPageFile(HttpRequest request, string file)
    {
        SetHeaders(request.HttpContext.Response);
        return Serve(request.HttpContext.Response, file);
    }

    private static void SetHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
    }

    /// <summary>
    /// Browsers revalidate each file (no-cache with an ETag), so a new deployment is seen at the next load while an
    /// unchanged file costs a 304.
    /// </summary>
    private static IResult Serve(HttpResponse response, string file)
    {
        if (!Files.TryGetValue(file, out var page))
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "Not found", $"The page has no file '{file}'.");
        }
        response.Headers.CacheControl = "no-cache";
        return Results.Bytes(page.Content, page.ContentType, entityTag: page.ETag);
    }

    private static FrozenDictionary<string, PageFile> LoadFiles()
    {
        var assembly = typeof(PageHandlers).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[ResourcePrefix.Length..], name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var content = copy.ToArray();
                var hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8));
                return new PageFile(content, ContentTypeOf(name), new EntityTagHeaderValue($"\"{hash}\""));
            }, StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        var other => throw new InvalidOperationException($"The page file {name} has an extension ({other}) with no content type."),
    };

    private sealed record PageFile(byte[] Content, string ContentType, EntityTagHeaderValue ETag);
}
