using System.Text;
using System.Text.Json;
using Digit.Testing;
using Microsoft.AspNetCore.Http;

namespace Digit.Functions.Tests.TestSupport;

/// <summary>
/// Calls HTTP triggers as the ASP.NET Core integration does: a request on an <see cref="HttpContext"/> with the
/// app's services, and the trigger's <see cref="IResult"/> executed into a response that the test reads back.
/// </summary>
internal static class TriggerCalls
{
    public static HttpRequest NewRequest(IServiceProvider services, string? json = null)
    {
        var request = NewContext(services).Request;
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            request.Method = HttpMethods.Post;
            request.ContentType = "application/json";
            request.ContentLength = bytes.Length;
            request.Body = new MemoryStream(bytes);
        }
        return request;
    }

    /// <summary>A context whose response body is kept in memory.</summary>
    public static HttpContext NewContext(IServiceProvider services) =>
        new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };

    /// <summary>Executes the result and returns its status code and JSON body.</summary>
    public static async Task<(int Status, JsonElement Body)> ExecuteAsync(IServiceProvider services, IResult result)
    {
        var context = NewContext(services);
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, JsonDocument.Parse(ResponseText(context)).RootElement.Clone());
    }

    /// <summary>The <c>data:</c> events a server-sent event stream wrote into the context's response.</summary>
    public static IReadOnlyList<JsonElement> Events(HttpContext context) => ServerSentEvents.DataEvents(ResponseText(context));

    private static string ResponseText(HttpContext context) =>
        Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
