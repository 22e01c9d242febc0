using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>What starts an inspection (<c>trigger.kind</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TriggerKind>))]
public enum TriggerKind
{
    /// <summary>Frames are taken at a fixed rate (<c>trigger.freeRunning.fps</c>).</summary>
    [JsonStringEnumMemberName("free-running")]
    FreeRunning,

    /// <summary>A frame is taken on an edge of a GPIO input, such as a light barrier (<c>trigger.gpio</c>).</summary>
    [JsonStringEnumMemberName("gpio")]
    Gpio,
}
