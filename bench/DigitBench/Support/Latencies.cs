using System.Diagnostics;

namespace Digit.Bench.Support;

/// <summary>Percentiles of a set of durations measured with <see cref="Stopwatch.GetTimestamp"/>.</summary>
internal sealed record Latencies(int Count, double P50Microseconds, double P99Microseconds, double MeanMicroseconds, double MaxMicroseconds)
{
    public static Latencies FromTimestamps(IEnumerable<long> ticks)
    {
        var sorted = ticks.Select(t => t * 1e6 / Stopwatch.Frequency).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Latencies(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        return new Latencies(sorted.Length, At(sorted, 0.50), At(sorted, 0.99), sorted.Average(), sorted[^1]);
    }

    /// <summary>Times each of <paramref name="calls"/> calls of <paramref name="call"/>, given the call's index, on this thread.</summary>
    public static Latencies Time(int calls, Action<int> call)
    {
        var ticks = new long[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        return FromTimestamps(ticks);
    }

    /// <summary>The middle value of a few figures (rounds, runs); for an even count, the mean of the two middle ones.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public double P50Milliseconds => P50Microseconds / 1000;

    public double P99Milliseconds => P99Microseconds / 1000;

    // Nearest rank: the smallest value with at least p of the samples at or below it.
    private static double At(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
