using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The edge of a GPIO input that counts as an event.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GpioEdge>))]
public enum GpioEdge
{
    /// <summary>Low to high.</summary>
    [JsonStringEnumMemberName("rising")]
    Rising,

    /// <summary>High to low.</summary>
    [JsonStringEnumMemberName("falling")]
    Falling,
}
