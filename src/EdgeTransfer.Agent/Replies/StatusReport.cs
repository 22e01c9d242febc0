using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>status</c> reply: what the device runs, holds and does now.</summary>
public sealed record StatusReport
{
    /// <summary>What the device runs (as in the birth).</summary>
    public DeviceVersions Versions { get; init; } = new();

    /// <summary>The execution provider of the backbone (<c>cpu</c>, <c>cuda</c>, <c>directml</c>).</summary>
    public string ExecutionProvider { get; init; } = "";

    /// <summary>The bundle's classes, in head order.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>The head in service.</summary>
    public HeadReport? Head { get; init; }

    /// <summary>Labelled samples in the store.</summary>
    public int StoreSamples { get; init; }

    /// <summary>Bytes the store takes on disk.</summary>
    public long StoreBytes { get; init; }

    /// <summary>Samples per class.</summary>
    public Dictionary<string, int> StoreByClass { get; init; } = [];

    /// <summary>Inspection figures, or null when inspection is not running.</summary>
    public InspectionReport? Inspection { get; init; }

    /// <summary>The frame source's state (<c>online</c>, <c>reconnecting</c> …), or null when inspection is not running.</summary>
    public string? Source { get; init; }

    /// <summary>Why the source is not online, or null.</summary>
    public string? SourceReason { get; init; }

    /// <summary>The label being collected, or null.</summary>
    public string? Collecting { get; init; }

    /// <summary>The training run in progress, or null.</summary>
    public string? TrainingRun { get; init; }

    /// <summary>Messages waiting in the outbox.</summary>
    public long OutboxMessages { get; init; }

    /// <summary>Messages the outbox dropped since start.</summary>
    public long OutboxDropped { get; init; }

    /// <summary>The run-time settings in effect.</summary>
    public ConfigResult Config { get; init; } = new();

    /// <summary>The confusion matrix behind the head in service, or null when this device program has not promoted it (the initial head, after a restart).</summary>
    public ValidationReport? Validation { get; init; }

    /// <summary>The inspection mode and the anomaly model in service.</summary>
    public AnomalyReport? Anomaly { get; init; }
}
