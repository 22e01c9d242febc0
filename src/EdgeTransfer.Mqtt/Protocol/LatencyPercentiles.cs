namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>Latency percentiles over a telemetry interval, in milliseconds.</summary>
public sealed record LatencyPercentiles
{
    /// <summary>The median.</summary>
    public double P50 { get; init; }

    /// <summary>The 95th percentile.</summary>
    public double P95 { get; init; }

    /// <summary>The 99th percentile.</summary>
    public double P99 { get; init; }
}
