using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Digit.Functions.Hosting;

/// <summary>Every HTTP answer says <c>X-Content-Type-Options: nosniff</c>, as the local server's do.</summary>
internal sealed class SecurityHeaders : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            http.Response.Headers.XContentTypeOptions = "nosniff";
        }
        return next(context);
    }
}
