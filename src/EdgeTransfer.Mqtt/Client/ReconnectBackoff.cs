namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// Exponential back-off with "full jitter": the n-th delay is uniform in [min, min·2ⁿ] capped at max,
/// so a thousand devices that lost the same broker do not all come back in the same second.
/// </summary>
/// <param name="min">The first delay's upper bound and every delay's lower bound.</param>
/// <param name="max">The cap.</param>
/// <param name="random">The jitter source (seeded in tests).</param>
public sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    /// <summary>Failures since the last <see cref="Reset"/>.</summary>
    public int Failures => _failures;

    /// <summary>The delay before the next attempt; counts a failure.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures++, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = min.TotalMilliseconds + (_random.NextDouble() * Math.Max(0, ceiling - min.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Starts over after a successful connect.</summary>
    public void Reset() => _failures = 0;
}
