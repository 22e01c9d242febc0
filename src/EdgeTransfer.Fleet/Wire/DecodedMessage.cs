using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet.Wire;

/// <summary>One device message as <see cref="DeviceMessageDecoder"/> read it: the envelope, the typed message, or why not.</summary>
public sealed record DecodedMessage
{
    /// <summary>The topic it came on.</summary>
    public required DeviceTopic Topic { get; init; }

    /// <summary>
    /// The message: <see cref="StatusMessage"/> (birth or death), <see cref="TelemetryMessage"/>, <see cref="InspectionEvent"/>,
    /// <see cref="TrainingProgressMessage"/>, <see cref="TrainingResult"/>, <see cref="FitProgress"/> or <see cref="FitResult"/>; null
    /// when it could not be read (<see cref="Error"/>) or the topic carries no device message of these (replies).
    /// </summary>
    public DeviceMessage? Message { get; init; }

    /// <summary>The envelope's <c>seq</c>, or null when the payload has none (read even when the body is bad, so sequence accounting still works).</summary>
    public long? Seq { get; init; }

    /// <summary>The envelope's <c>ts</c>, or null when missing or not a time.</summary>
    public DateTimeOffset? Ts { get; init; }

    /// <summary>Why the message cannot be used, as a sentence starting with where (<c>status: state …</c>), or null.</summary>
    public string? Error { get; init; }
}
