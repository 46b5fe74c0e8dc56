using System.Text.Json;
using Digit.Service.Training;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Digit.Service.Api;

/// <summary>
/// GET /api/progress/ as server-sent events: the progress object every interval while a run is in
/// progress, then <c>{"event":"close","reason":"&lt;status&gt;"}</c> and the end of the stream. Unbuffered.
/// </summary>
public sealed class ProgressStreamResult(ITrainingStateStore state, TimeProvider time, TimeSpan interval) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // A timer, not a delay after each event, so slow reads under load do not stretch the interval.
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            // Should the connection drop (Azure ends HTTP responses after 230 s), EventSource reconnects after 1 s
            // instead of its default 3 s: well inside the 5 s the frontend waits for an event.
            await response.Body.WriteAsync("retry: 1000\n\n"u8.ToArray(), cancellationToken);
            while (true)
            {
                // Progress first: it is only there while the run is in progress, so a run that ends between the
                // two reads is seen as ended at once, and no tick passes without an event.
                if (await state.GetProgressAsync(cancellationToken) is { } progress)
                {
                    await WriteEventAsync(response, TrainingHandlers.ToResponse(progress), cancellationToken);
                }
                else
                {
                    var status = await state.GetStatusAsync(cancellationToken);
                    if (status != TrainingStatus.InProgress)
                    {
                        await WriteEventAsync(response, new CloseEvent("close", status.ToContractName()), cancellationToken);
                        return;
                    }
                }
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteEventAsync<T>(HttpResponse response, T payload, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payload);
        await response.Body.WriteAsync("data: "u8.ToArray(), cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
