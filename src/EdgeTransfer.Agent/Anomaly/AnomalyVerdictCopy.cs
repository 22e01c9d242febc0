using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Agent.Anomaly;

/// <summary>The anomaly part of the last scored frame, kept for a <c>preview</c> that asks for the map.</summary>
/// <param name="FrameId">The frame.</param>
/// <param name="Verdict">What the anomaly model said about it.</param>
internal sealed record AnomalyVerdictCopy(long FrameId, AnomalyVerdict Verdict)
{
    /// <summary>The map as the protocol carries it, or null when the frame was scored without one.</summary>
    public AnomalyMapMessage? MapMessage() => Verdict.Map is null ? null : Message(FrameId, Verdict);

    /// <summary>The map of <paramref name="verdict"/> (which must have one) as the protocol carries it.</summary>
    public static AnomalyMapMessage Message(long frameId, AnomalyVerdict verdict) => new()
    {
        FrameId = frameId,
        Width = verdict.MapWidth,
        Height = verdict.MapHeight,
        Data = Convert.ToBase64String(verdict.Map!),
        Score = Math.Round(verdict.Score, 4),
    };
}
