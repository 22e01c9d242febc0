using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>What decides whether a part passes (<c>inspection.mode</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InspectionMode>))]
public enum InspectionMode
{
    /// <summary>The head's class probabilities decide (the default).</summary>
    [JsonStringEnumMemberName("classify")]
    Classify,

    /// <summary>The anomaly model, fitted on good parts only, decides; the head is not run.</summary>
    [JsonStringEnumMemberName("anomaly")]
    Anomaly,

    /// <summary>The anomaly model decides pass or reject; the head names the kind of defect of a rejected part.</summary>
    [JsonStringEnumMemberName("both")]
    Both,
}
