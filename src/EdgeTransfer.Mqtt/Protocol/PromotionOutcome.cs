using System.Text.Json.Serialization;

namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>How a training or fit run ended, as <see cref="TrainingResult"/> and <see cref="FitResult"/> carry it: whether the candidate was promoted.</summary>
public enum PromotionOutcome
{
    /// <summary>The new head passed the quality gate and is in service.</summary>
    [JsonStringEnumMemberName("promoted")]
    Promoted,

    /// <summary>The new head did not pass the quality gate; the previous head stays in service.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>The run stopped (NaN loss, no data, an error); the previous head stays in service.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
