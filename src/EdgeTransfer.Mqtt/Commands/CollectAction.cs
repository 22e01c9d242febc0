using System.Text.Json.Serialization;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>What <see cref="CollectRequest"/> asks.</summary>
public enum CollectAction
{
    /// <summary>Start labelling every inspected frame with the given label.</summary>
    [JsonStringEnumMemberName("start")]
    Start,

    /// <summary>Stop collecting.</summary>
    [JsonStringEnumMemberName("stop")]
    Stop,
}
