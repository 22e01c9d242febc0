using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole.Model;

/// <summary>The last telemetry message, as far as the console shows it.</summary>
public sealed record TelemetryView
{
    /// <summary>Seconds since the device program started.</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>Frames inspected since start.</summary>
    public long Frames { get; init; }

    /// <summary>Frames rejected since start.</summary>
    public long Rejected { get; init; }

    /// <summary>Verdict counts since start, by class.</summary>
    public IReadOnlyDictionary<string, long> Verdicts { get; init; } = new Dictionary<string, long>();

    /// <summary>Median latency of the last interval, ms.</summary>
    public double? LatencyP50 { get; init; }

    /// <summary>95th percentile latency of the last interval, ms.</summary>
    public double? LatencyP95 { get; init; }

    /// <summary>CPU use, percent of one core.</summary>
    public double CpuPercent { get; init; }

    /// <summary>Labelled samples in the store.</summary>
    public long StoreSamples { get; init; }

    /// <summary>The view of a telemetry message.</summary>
    /// <param name="telemetry">The message, as the decoder read it.</param>
    internal static TelemetryView Of(TelemetryMessage telemetry) => new()
    {
        UptimeSeconds = telemetry.UptimeSeconds,
        Frames = telemetry.Frames,
        Rejected = telemetry.Rejected,
        Verdicts = telemetry.Verdicts,
        LatencyP50 = telemetry.LatencyMs?.P50,
        LatencyP95 = telemetry.LatencyMs?.P95,
        CpuPercent = telemetry.CpuPercent,
        StoreSamples = telemetry.StoreSamples,
    };
}
