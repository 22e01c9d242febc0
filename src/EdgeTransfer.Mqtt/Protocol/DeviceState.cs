using System.Text.Json.Serialization;

namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>The state a <see cref="StatusMessage"/> announces.</summary>
public enum DeviceState
{
    /// <summary>Birth: the device is connected and working.</summary>
    [JsonStringEnumMemberName("online")]
    Online,

    /// <summary>Death: the device disconnected (cleanly, or the broker published its last will).</summary>
    [JsonStringEnumMemberName("offline")]
    Offline,
}
