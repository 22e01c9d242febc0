namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>config</c> reply, and the <c>config</c> part of a status: the run-time settings in effect.</summary>
public sealed record ConfigResult
{
    /// <summary><c>telemetry.intervalSeconds</c>.</summary>
    public int TelemetryIntervalSeconds { get; init; }

    /// <summary><c>events.every</c>: every N-th frame is published (0: none but rejects).</summary>
    public int EventsEvery { get; init; }

    /// <summary><c>events.rejects</c>: every rejected part is published.</summary>
    public bool EventsRejects { get; init; }

    /// <summary><c>inspection.paused</c>.</summary>
    public bool InspectionPaused { get; init; }

    /// <summary>Whether verdict events carry the anomaly map.</summary>
    public bool EventsAnomalyMap { get; init; }
}
