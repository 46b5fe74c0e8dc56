using System.Text.Json;
using Digit.Backend.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Digit.Backend.Api;

/// <summary>
/// GET /api/progress/ as server-sent events: the progress object every interval while a run is in progress, then
/// <c>{"event":"close","reason":"&lt;status&gt;"}</c> and the end of the stream. Unbuffered. While the run store
/// cannot be reached the stream goes on with the last progress it knew, marked <c>"stale": true</c>, and closes
/// only on a real end.
/// </summary>
public sealed class ProgressStreamResult(IRunStore runs, LastKnownProgress lastKnown, TimeProvider time) : IResult
{
    /// <summary>Time between two events: well inside the second the contract allows.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(400);

    /// <inheritdoc />
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
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            // Should the connection drop (Azure ends HTTP responses after 230 s), EventSource reconnects after 1 s
            // instead of its default 3 s: well inside the 5 s the frontend waits for an event.
            await response.Body.WriteAsync("retry: 1000\n\n"u8.ToArray(), cancellationToken);
            while (true)
            {
                try
                {
                    // Progress first: it is only there while the run is in progress, so a run that ends between the
                    // two reads is seen as ended at once, and no tick passes without an event.
                    var progress = await runs.GetProgressAsync(cancellationToken);
                    lastKnown.Remember(progress);
                    if (progress is not null)
                    {
                        await WriteEventAsync(response, ProgressResponse.From(progress), cancellationToken);
                    }
                    else
                    {
                        var latest = await runs.GetLatestRunAsync(cancellationToken);
                        var status = latest?.Status ?? TrainingStatus.NotStarted;
                        if (status != TrainingStatus.InProgress)
                        {
                            await WriteEventAsync(response, new CloseEvent("close", status.ToContractName()) { Message = latest?.Message }, cancellationToken);
                            return;
                        }
                    }
                }
                catch (RunStoreUnavailableException)
                {
                    object stale = lastKnown.Value is { } known ? ProgressResponse.From(known, stale: true) : new { stale = true };
                    await WriteEventAsync(response, stale, cancellationToken);
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
