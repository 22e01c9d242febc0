using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// The source-generated JSON contract of every artifact: no reflection at run time, so the device
/// reads bundles the same way under trimming or AOT.
/// </summary>
/// <remarks>
/// Unknown keys are refused (a typo must not silently fall back to a default) and nullable annotations
/// are respected, so a missing or null value is an error unless the type says it may be absent.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    IndentSize = 2,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PreprocessingSpec))]
[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(CheckpointHeader))]
internal sealed partial class ArtifactsJsonContext : JsonSerializerContext
{
}
