namespace EdgeTransfer.Mqtt.Outbox;

/// <summary>How much a queued message matters when the outbox is full: the lowest class goes first, oldest first.</summary>
internal enum MessageClass
{
    /// <summary>Periodic telemetry: the next one says nearly the same; dropped first.</summary>
    Telemetry = 0,

    /// <summary>Inspection events and training progress: dropped after all telemetry.</summary>
    Event = 1,

    /// <summary>Training results and other outcomes: dropped only when nothing else is left.</summary>
    Critical = 2,
}
