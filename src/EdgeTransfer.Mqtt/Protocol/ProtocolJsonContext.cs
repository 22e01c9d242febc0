using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;

namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// The source-generated JSON contract of protocol v1: camelCase names, enums as camelCase texts, nulls
/// left out when writing, unknown keys and duplicates refused when reading. No reflection at run time.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(TelemetryMessage))]
[JsonSerializable(typeof(InspectionEvent))]
[JsonSerializable(typeof(TrainingProgressMessage))]
[JsonSerializable(typeof(TrainingResult))]
[JsonSerializable(typeof(FitProgress))]
[JsonSerializable(typeof(FitResult))]
[JsonSerializable(typeof(FitRequest))]
[JsonSerializable(typeof(CommandReplyMessage))]
[JsonSerializable(typeof(LabelRequest))]
[JsonSerializable(typeof(CollectRequest))]
[JsonSerializable(typeof(TrainRequest))]
[JsonSerializable(typeof(RollbackRequest))]
[JsonSerializable(typeof(EvaluateRequest))]
[JsonSerializable(typeof(StatusRequest))]
[JsonSerializable(typeof(ConfigRequest))]
[JsonSerializable(typeof(PreviewRequest))]
[JsonSerializable(typeof(DeployRequest))]
[JsonSerializable(typeof(DeployChunkRequest))]
[JsonSerializable(typeof(DeploymentStatus))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
