using System.Threading.RateLimiting;
using Digit.Backend.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Api;

/// <summary>
/// The per-client rate of POST /api/feedback/: a token bucket per client IP address (FEEDBACK_BURST tokens, refilled
/// at FEEDBACK_RATE_PER_MINUTE). It lives in the shared handler path, so both hosts limit the same way; on Azure each
/// instance keeps its own buckets.
/// </summary>
public sealed class FeedbackRateLimiter : IDisposable
{
    // The partitioned limiter refills its buckets on a 100 ms timer; a shorter period would only round up to it.
    private static readonly TimeSpan ShortestPeriod = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string> _limiter;

    /// <summary>A limiter with the rate and burst of <paramref name="options"/>.</summary>
    public FeedbackRateLimiter(IOptions<FeedbackOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks / settings.RatePerMinute, ShortestPeriod.Ticks));
        var tokensPerPeriod = Math.Max(1, (int)Math.Round(settings.RatePerMinute * period / TimeSpan.FromMinutes(1)));
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(settings.Burst, tokensPerPeriod),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => bucket));
    }

    /// <summary>
    /// Takes one token of the sender's bucket; null when there was one, else how long until there is (at least a
    /// second, as Retry-After counts whole seconds).
    /// </summary>
    public TimeSpan? TryAcquire(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = _limiter.AttemptAcquire(ClientAddress.Of(request));
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.FromSeconds(1)
            ? retryAfter
            : TimeSpan.FromSeconds(1);
    }

    /// <summary>Stops the refill timer and frees the buckets.</summary>
    public void Dispose() => _limiter.Dispose();
}
