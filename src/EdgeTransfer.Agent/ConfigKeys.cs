using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Agent;

/// <summary>
/// The keys the <c>config</c> command may set. Run-time behaviour only: nothing here names a file, a broker or an
/// identity, so a command can never point the device at another path or fleet.
/// </summary>
public static class ConfigKeys
{
    /// <summary>Seconds between telemetry messages, 1 to 86400.</summary>
    public const string TelemetryInterval = "telemetry.intervalSeconds";

    /// <summary>Publish every N-th inspected frame on <c>events</c>, 0 (only rejects) to 1,000,000.</summary>
    public const string EventsEvery = "events.every";

    /// <summary>Publish every rejected part on <c>events</c>.</summary>
    public const string EventsRejects = "events.rejects";

    /// <summary>Verdict events carry the anomaly map (modes <c>anomaly</c> and <c>both</c>).</summary>
    public const string EventsAnomalyMap = "events.anomalyMap";

    /// <summary>Pause (true) or resume (false) inspection.</summary>
    public const string InspectionPaused = "inspection.paused";

    /// <summary>The allow-list with each key's type and range.</summary>
    public static ConfigAllowList AllowList { get; } = new(
    [
        new ConfigKey(TelemetryInterval, ConfigValueKind.WholeNumber, 1, 86_400),
        new ConfigKey(EventsEvery, ConfigValueKind.WholeNumber, 0, 1_000_000),
        new ConfigKey(EventsRejects, ConfigValueKind.Boolean),
        new ConfigKey(EventsAnomalyMap, ConfigValueKind.Boolean),
        new ConfigKey(InspectionPaused, ConfigValueKind.Boolean),
    ]);
}
