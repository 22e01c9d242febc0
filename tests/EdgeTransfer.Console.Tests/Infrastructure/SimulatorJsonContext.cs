using System.Text.Json.Serialization;

namespace EdgeTransfer.LineConsole.Tests.Infrastructure;

/// <summary>The simulated device's extra request contract, with the protocol's strict reading rules.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(PreviewRequest))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext
{
}
