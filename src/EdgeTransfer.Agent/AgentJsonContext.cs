using System.Text.Json.Serialization;
using EdgeTransfer.Agent.Replies;

namespace EdgeTransfer.Agent;

/// <summary>The source-generated JSON contract of the agent's reply results (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(LabelResult))]
[JsonSerializable(typeof(CollectResult))]
[JsonSerializable(typeof(TrainAccepted))]
[JsonSerializable(typeof(RollbackResult))]
[JsonSerializable(typeof(ConfigResult))]
[JsonSerializable(typeof(DeployOutcome))]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(PreviewResult))]
[JsonSerializable(typeof(FitAccepted))]
[JsonSerializable(typeof(AnomalyRollbackResult))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class AgentJsonContext : JsonSerializerContext
{
}
