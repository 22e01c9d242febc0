using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>How a defective part is rejected (<c>reject.kind</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RejectKind>))]
public enum RejectKind
{
    /// <summary>No output: verdicts are only reported (the default, so that a new device never actuates anything by surprise).</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>A pulse on a GPIO output drives the ejector (<c>reject.gpio</c>).</summary>
    [JsonStringEnumMemberName("gpio")]
    Gpio,
}
