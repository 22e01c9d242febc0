namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// The most recent latency samples of one stage, for exact percentiles of what the line does now.
/// <see cref="Record(double)"/> is lock-free and allocation-free (one interlocked increment and one store); a
/// summary copies and sorts the window, on the reader's thread.
/// </summary>
/// <remarks>
/// A window rather than a bucketed histogram: with a few thousand samples the exact nearest-rank percentile is
/// cheap to compute on demand (a status request, a telemetry tick), and it has no bucket error to explain.
/// Long-run distributions go to the <see cref="System.Diagnostics.Metrics.Histogram{T}"/> of <see cref="InspectionMetrics"/>.
/// Safe for any number of writers and readers; a reader racing a writer sees each slot's old or new value.
/// </remarks>
public sealed class LatencyWindow
{
    private readonly double[] _samples;
    private long _count;

    /// <summary>Creates an empty window.</summary>
    /// <param name="capacity">How many of the latest samples are kept, 1 to 1,048,576. Default 2048.</param>
    public LatencyWindow(int capacity = 2048)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 20);
        _samples = new double[capacity];

        // NaN marks a slot not yet written, so a reader racing the first writes never counts a 0 ms sample.
        Array.Fill(_samples, double.NaN);
    }

    /// <summary>How many of the latest samples are kept.</summary>
    public int Capacity => _samples.Length;

    /// <summary>Samples recorded since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records one sample.</summary>
    /// <param name="milliseconds">The latency; NaN and negative values are ignored.</param>
    public void Record(double milliseconds)
    {
        if (!(milliseconds >= 0))
        {
            return;
        }

        var index = Interlocked.Increment(ref _count) - 1;
        Volatile.Write(ref _samples[index % _samples.Length], milliseconds);
    }

    /// <summary>Records one sample.</summary>
    /// <param name="elapsed">The latency.</param>
    public void Record(TimeSpan elapsed) => Record(elapsed.TotalMilliseconds);

    /// <summary>p50, p95, p99, max and mean of the window.</summary>
    public LatencySummary Summarize()
    {
        var count = Count;
        var sorted = new double[_samples.Length];
        var n = 0;
        for (var i = 0; i < _samples.Length; i++)
        {
            var v = Volatile.Read(ref _samples[i]);
            if (!double.IsNaN(v))
            {
                sorted[n++] = v;
            }
        }

        if (n == 0)
        {
            return new LatencySummary(count, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var window = sorted.AsSpan(0, n);
        window.Sort();
        var sum = 0.0;
        foreach (var v in window)
        {
            sum += v;
        }

        return new LatencySummary(count, n, Percentile(window, 50), Percentile(window, 95), Percentile(window, 99), window[^1], sum / n);
    }

    /// <summary>The nearest-rank percentile: the smallest sample with at least <paramref name="percent"/> % of the samples at or below it.</summary>
    /// <param name="sorted">The samples in ascending order (at least one).</param>
    /// <param name="percent">Above 0, at most 100.</param>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A percentile needs at least one sample.", nameof(sorted));
        }

        if (!(percent > 0 && percent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile is above 0 and at most 100.");
        }

        // percent · n first: for whole percents and counts the product is exact, so 95 % of 100 samples is rank 95, not 96.
        var rank = (int)Math.Ceiling(percent * sorted.Length / 100);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
