using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Loading;

/// <summary>The source-generated JSON contract of <c>bundles/active.json</c> (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ActiveBundles))]
internal sealed partial class LoadingJsonContext : JsonSerializerContext
{
}
