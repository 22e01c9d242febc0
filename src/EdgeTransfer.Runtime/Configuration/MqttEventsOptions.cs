namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// The <c>mqtt.events</c> section: which inspection results are published on <c>events</c>. A line inspects
/// tens of parts a second; publishing each would cost more than the inspection, so passes are sampled.
/// </summary>
public sealed class MqttEventsOptions
{
    /// <summary>Publish every N-th inspected frame, 0 (none but the rejects) to 1,000,000. Default 100.</summary>
    public int Every { get; set; } = 100;

    /// <summary>Publish every rejected part as well, whatever <see cref="Every"/> says. Default true.</summary>
    public bool Rejects { get; set; } = true;
}
