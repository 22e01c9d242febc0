using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Replies;

/// <summary>Inspection figures in a <see cref="StatusReport"/> (since the device program started, across bundle swaps).</summary>
public sealed record InspectionReport
{
    /// <summary>Frames inspected.</summary>
    public long Frames { get; init; }

    /// <summary>Parts rejected.</summary>
    public long Rejected { get; init; }

    /// <summary>Errors (the loop went on).</summary>
    public long Errors { get; init; }

    /// <summary>Whether inspection is paused.</summary>
    public bool Paused { get; init; }

    /// <summary>Verdicts per class.</summary>
    public Dictionary<string, long> Verdicts { get; init; } = [];

    /// <summary>Capture-to-verdict latency of the recent frames, or null before the first.</summary>
    public LatencyPercentiles? LatencyMs { get; init; }
}
