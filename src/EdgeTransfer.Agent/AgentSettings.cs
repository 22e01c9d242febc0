using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent;

/// <summary>
/// The settings the <c>config</c> command changes at run time (<see cref="ConfigKeys"/>), starting from
/// <c>device.json</c>. Read on the inspection thread and by the telemetry loop, so every field is volatile.
/// </summary>
internal sealed class AgentSettings
{
    private volatile int _telemetryIntervalSeconds;
    private volatile int _eventsEvery;
    private volatile bool _eventsRejects;
    private volatile bool _eventsAnomalyMap;

    /// <summary>Takes the starting values from <paramref name="device"/>.</summary>
    public AgentSettings(DeviceOptions device)
    {
        _telemetryIntervalSeconds = device.Mqtt.TelemetryIntervalSeconds;
        _eventsEvery = device.Mqtt.Events.Every;
        _eventsRejects = device.Mqtt.Events.Rejects;
        _eventsAnomalyMap = device.Inspection.Anomaly.IncludeMap;
    }

    /// <summary>Seconds between telemetry messages.</summary>
    public int TelemetryIntervalSeconds { get => _telemetryIntervalSeconds; set => _telemetryIntervalSeconds = value; }

    /// <summary>Publish every N-th verdict (0: none but rejects).</summary>
    public int EventsEvery { get => _eventsEvery; set => _eventsEvery = value; }

    /// <summary>Publish every rejected part.</summary>
    public bool EventsRejects { get => _eventsRejects; set => _eventsRejects = value; }

    /// <summary>Published verdicts carry the anomaly map.</summary>
    public bool EventsAnomalyMap { get => _eventsAnomalyMap; set => _eventsAnomalyMap = value; }

    /// <summary>The settings as <c>config</c> and <c>status</c> report them.</summary>
    /// <param name="host">The host in service (whose loop tells whether inspection is paused).</param>
    public ConfigResult Describe(DeviceHost host) => new()
    {
        TelemetryIntervalSeconds = TelemetryIntervalSeconds,
        EventsEvery = EventsEvery,
        EventsRejects = EventsRejects,
        EventsAnomalyMap = EventsAnomalyMap,
        InspectionPaused = host.Loop?.IsPaused ?? false,
    };
}
