using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole.Model;

/// <summary>
/// The inspection events of the last <see cref="DashboardModel.EventWindow"/>, at most 4096, each frame once. Not
/// thread-safe: <see cref="DashboardModel"/> holds its lock around every call.
/// </summary>
internal sealed class EventStream
{
    private const int MaxEvents = 4096;
    private readonly Queue<InspectionRecord> _events = new();
    private readonly HashSet<long> _frames = [];

    /// <summary>Adds an event; false when its frame was seen already.</summary>
    public bool Add(InspectionEvent inspection, DateTimeOffset now)
    {
        if (!_frames.Add(inspection.FrameId))
        {
            // QoS 1 is at least once (MQTT 5 §4.3.2): a frame seen already is a redelivery.
            return false;
        }

        var anomaly = inspection.AnomalyScore;
        _events.Enqueue(new InspectionRecord(inspection.FrameId, inspection.Verdict, Math.Clamp(inspection.Confidence, 0, 1), inspection.Rejected, Math.Max(0, inspection.LatencyMs), now, anomaly is { } a ? Math.Clamp(a, 0, 1) : null));
        Prune(now);
        return true;
    }

    /// <summary>The events still in the window, newest first.</summary>
    public IReadOnlyList<InspectionRecord> Snapshot(DateTimeOffset now)
    {
        Prune(now);
        return [.. _events.Reverse()];
    }

    private void Prune(DateTimeOffset now)
    {
        while (_events.Count > 0 && (_events.Count > MaxEvents || now - _events.Peek().ReceivedAt > DashboardModel.EventWindow))
        {
            _frames.Remove(_events.Dequeue().FrameId);
        }
    }
}
