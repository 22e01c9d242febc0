namespace EdgeTransfer.Mqtt.Protocol;

/// <summary><c>events</c>: one inspection result (sampled: every reject, and every Nth pass).</summary>
public sealed record InspectionEvent : DeviceMessage
{
    /// <summary>The frame id (per device, increasing).</summary>
    public long FrameId { get; init; }

    /// <summary>The predicted class name.</summary>
    public string Verdict { get; init; } = "";

    /// <summary>The probability of <see cref="Verdict"/>, 0 to 1.</summary>
    public double Confidence { get; init; }

    /// <summary>Whether the part was rejected on the line.</summary>
    public bool Rejected { get; init; }

    /// <summary>Capture-to-verdict latency, in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>The head version that judged the frame.</summary>
    public long? HeadVersion { get; init; }

    /// <summary>The anomaly score normalised so that 0.5 is the decision point (modes <c>anomaly</c> and <c>both</c>).</summary>
    public double? AnomalyScore { get; init; }

    /// <summary>The raw anomaly threshold of the model that scored the frame.</summary>
    public double? AnomalyThreshold { get; init; }

    /// <summary>The anomaly model version that scored the frame (<c>a0002</c>).</summary>
    public string? AnomalyModel { get; init; }

    /// <summary>The patch map, only when asked for (<c>inspection.anomaly.includeMap</c> or the <c>events.anomalyMap</c> setting).</summary>
    public AnomalyMapMessage? AnomalyMap { get; init; }
}
