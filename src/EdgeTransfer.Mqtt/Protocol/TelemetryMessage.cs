namespace EdgeTransfer.Mqtt.Protocol;

/// <summary><c>telemetry</c>: counters and gauges, every <c>mqtt.telemetryIntervalSeconds</c>. Counters are totals since start.</summary>
public sealed record TelemetryMessage : DeviceMessage
{
    /// <summary>Seconds since the device program started.</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>Frames inspected since start.</summary>
    public long Frames { get; init; }

    /// <summary>Verdict counts since start, by class name.</summary>
    public Dictionary<string, long> Verdicts { get; init; } = [];

    /// <summary>Frames rejected on the line since start.</summary>
    public long Rejected { get; init; }

    /// <summary>Inspection latency (capture to verdict) over the last interval, or null if no frame was inspected.</summary>
    public LatencyPercentiles? LatencyMs { get; init; }

    /// <summary>Process CPU use over the last interval, in percent of one core.</summary>
    public double CpuPercent { get; init; }

    /// <summary>Resident set size of the process, in bytes.</summary>
    public long RssBytes { get; init; }

    /// <summary>Labelled samples in the store.</summary>
    public long StoreSamples { get; init; }

    /// <summary>Bytes the sample store takes on disk.</summary>
    public long StoreBytes { get; init; }

    /// <summary>Messages waiting in the outbox.</summary>
    public long OutboxMessages { get; init; }

    /// <summary>Messages the outbox dropped since start because it was full.</summary>
    public long OutboxDropped { get; init; }

    /// <summary>The anomaly model in service (<c>a0002</c>), or null when none is fitted.</summary>
    public string? AnomalyModel { get; init; }

    /// <summary>Its raw threshold, or null when none is fitted.</summary>
    public double? AnomalyThreshold { get; init; }
}
