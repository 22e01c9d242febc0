namespace EdgeTransfer.Runtime.Inspection;

/// <summary>The result of inspecting one frame. Immutable: events, the ring of recent verdicts and MQTT may all hold it.</summary>
/// <remarks>
/// This object and its probability array are the only allocations of a raw frame's inspection: they are
/// handed to subscribers and kept in the ring, so they cannot be reused buffers (a subscriber would see them change).
/// </remarks>
public sealed class Verdict
{
    private readonly float[] _probabilities;

    /// <summary>Creates a verdict.</summary>
    /// <param name="frameId">The frame id from the source.</param>
    /// <param name="timestamp">When the frame was captured.</param>
    /// <param name="sourceName">The source of the frame.</param>
    /// <param name="label">The known class of the frame (replay, synthetic line), or null.</param>
    /// <param name="decision">The policy's decision.</param>
    /// <param name="className">The name of <see cref="VerdictDecision.ClassIndex"/>.</param>
    /// <param name="probabilities">One probability per class; copied.</param>
    /// <param name="headVersion">The head that produced the probabilities.</param>
    /// <param name="latencies">The time of each stage.</param>
    public Verdict(long frameId, DateTimeOffset timestamp, string sourceName, string? label, VerdictDecision decision, string className, ReadOnlySpan<float> probabilities, string headVersion, StageLatencies latencies)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(headVersion);
        FrameId = frameId;
        Timestamp = timestamp;
        SourceName = sourceName;
        Label = label;
        Outcome = decision.Outcome;
        ClassIndex = decision.ClassIndex;
        ClassName = className;
        Confidence = decision.Confidence;
        Rejects = decision.Rejects;
        _probabilities = probabilities.ToArray();
        HeadVersion = headVersion;
        Latencies = latencies;
    }

    /// <summary>The frame id from the source.</summary>
    public long FrameId { get; }

    /// <summary>When the frame was captured.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The source of the frame.</summary>
    public string SourceName { get; }

    /// <summary>The known class of the frame (replay, synthetic line), or null for a camera.</summary>
    public string? Label { get; }

    /// <summary>Good, defect or uncertain.</summary>
    public VerdictOutcome Outcome { get; }

    /// <summary>Whether the part is a defect (<see cref="VerdictOutcome.Defect"/>).</summary>
    public bool IsDefect => Outcome == VerdictOutcome.Defect;

    /// <summary>Whether the part is rejected (a defect, or uncertain under <see cref="UncertainAction.Reject"/>).</summary>
    public bool Rejects { get; }

    /// <summary>The index of the verdict's class (see <see cref="VerdictDecision.ClassIndex"/>).</summary>
    public int ClassIndex { get; }

    /// <summary>The name of the verdict's class.</summary>
    public string ClassName { get; }

    /// <summary>The probability of the verdict's class.</summary>
    public float Confidence { get; }

    /// <summary>One probability per class, in the bundle's class order.</summary>
    public ReadOnlySpan<float> Probabilities => _probabilities;

    /// <summary>The head version (<c>v0003</c>, or <c>initial</c>) whose parameters produced <see cref="Probabilities"/>.</summary>
    public string HeadVersion { get; }

    /// <summary>The time of each stage.</summary>
    public StageLatencies Latencies { get; }

    /// <summary>The anomaly model's score, threshold and (on request) map, in modes <c>anomaly</c> and <c>both</c>; null in mode <c>classify</c>.</summary>
    public AnomalyVerdict? Anomaly { get; init; }
}
