namespace EdgeTransfer.LineConsole.Model;

/// <summary>An immutable copy of everything the dashboard shows, taken at <see cref="Now"/>.</summary>
public sealed record DashboardSnapshot
{
    /// <summary>When the snapshot was taken.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The broker as <c>host:port</c>.</summary>
    public required string Broker { get; init; }

    /// <summary>Whether the MQTT connection is up.</summary>
    public bool BrokerConnected { get; init; }

    /// <summary>Why the broker cannot be used, or null.</summary>
    public string? BrokerProblem { get; init; }

    /// <summary>The fleet id.</summary>
    public required string Fleet { get; init; }

    /// <summary>The device watched, or null while none has been seen (no <c>--device</c> given).</summary>
    public DeviceView? Device { get; init; }

    /// <summary>Other devices of the fleet heard from (not shown in detail).</summary>
    public int OtherDevices { get; init; }

    /// <summary>The device's classes in key order (key 1 is the first), or empty if not known yet.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>The class chosen with the last number key; <c>c</c> collects it.</summary>
    public string? SelectedClass { get; init; }

    /// <summary>Labelled samples per class, as the device last reported them.</summary>
    public IReadOnlyDictionary<string, long> SampleCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>The last telemetry, or null.</summary>
    public TelemetryView? Telemetry { get; init; }

    /// <summary>Inspection events of the last minute, newest first.</summary>
    public IReadOnlyList<InspectionRecord> Events { get; init; } = [];

    /// <summary>The current or last training run, or null.</summary>
    public TrainingView? Training { get; init; }

    /// <summary>The confusion matrix of the last validation, or null.</summary>
    public ConfusionView? Confusion { get; init; }

    /// <summary>The last preview frame, or null.</summary>
    public PreviewFrame? Preview { get; init; }

    /// <summary>Why there is no (fresh) preview, or null.</summary>
    public string? PreviewNote { get; init; }

    /// <summary>Commands sent and their replies, newest first.</summary>
    public IReadOnlyList<ReplyRecord> Replies { get; init; } = [];

    /// <summary>Commands sent and not answered yet.</summary>
    public IReadOnlyList<string> Pending { get; init; } = [];

    /// <summary>Errors: error replies, timeouts, broker trouble, newest first.</summary>
    public IReadOnlyList<ProblemRecord> Problems { get; init; } = [];

    /// <summary>Messages from the wire the console could not use (malformed, wrong types, unknown schema …).</summary>
    public long BadMessages { get; init; }

    /// <summary>Why the last bad message was refused, or null.</summary>
    public string? LastBadMessage { get; init; }

    /// <summary>A message for the technician about the last key (e.g. "select a class first"), or null.</summary>
    public string? Hint { get; init; }

    /// <summary>Whether the key help is shown.</summary>
    public bool ShowHelp { get; init; }
}
