namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>Topic filters (with wildcards) for the fleet side and for a device's own command subscription.</summary>
public static class TopicFilters
{
    /// <summary>
    /// <c>edgetransfer/v1/{fleet}/+/{level}</c>: one kind of message from every device of a fleet
    /// (for <see cref="TopicKind.Command"/> and <see cref="TopicKind.Reply"/>: <c>…/+/cmd/#</c>, <c>…/+/reply/#</c>).
    /// </summary>
    /// <param name="fleet">The fleet id.</param>
    /// <param name="kind">The kind of message.</param>
    public static string AllDevices(string fleet, TopicKind kind)
    {
        ProtocolIds.RequireId(fleet, "fleet");
        return kind switch
        {
            TopicKind.Command => $"{DeviceTopic.Prefix}/{fleet}/+/cmd/#",
            TopicKind.Reply => $"{DeviceTopic.Prefix}/{fleet}/+/reply/#",
            _ => DeviceTopic.For(fleet, "x", kind).ToString().Replace("/x/", "/+/", StringComparison.Ordinal),
        };
    }

    /// <summary><c>edgetransfer/v1/{fleet}/{device}/cmd/+</c>: what a device subscribes to.</summary>
    /// <param name="fleet">The fleet id.</param>
    /// <param name="device">The device id.</param>
    public static string DeviceCommands(string fleet, string device) =>
        $"{DeviceTopic.Prefix}/{ProtocolIds.RequireId(fleet, "fleet")}/{ProtocolIds.RequireId(device, "device")}/cmd/+";

    /// <summary>
    /// Wraps <paramref name="filter"/> as an MQTT 5 shared subscription <c>$share/{group}/{filter}</c>
    /// (MQTT 5 §4.8.2): the broker hands each message to one member of the group, so several fleet
    /// consumers split a fleet's traffic instead of each receiving all of it.
    /// </summary>
    /// <param name="group">The share name: same characters as an id (it may not hold '/', '+' or '#', §4.8.2).</param>
    /// <param name="filter">The topic filter to share.</param>
    public static string Shared(string group, string filter)
    {
        ProtocolIds.RequireId(group, "sharedGroup");
        ArgumentException.ThrowIfNullOrEmpty(filter);
        return $"$share/{group}/{filter}";
    }
}
