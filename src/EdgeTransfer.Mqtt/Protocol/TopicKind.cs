namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>The last level(s) of a device topic: what the message on it is.</summary>
public enum TopicKind
{
    /// <summary><c>status</c>: retained birth (online) and death (offline, the last will).</summary>
    Status,

    /// <summary><c>telemetry</c>: periodic counters and gauges.</summary>
    Telemetry,

    /// <summary><c>events</c>: sampled inspection results.</summary>
    Events,

    /// <summary><c>training</c>: training progress and result.</summary>
    Training,

    /// <summary><c>cmd/{name}</c>: a request to the device (fleet → device).</summary>
    Command,

    /// <summary><c>reply/{name}</c>: the device's answer to a request (device → fleet).</summary>
    Reply,
}
