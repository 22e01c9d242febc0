using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// The source-generated JSON contract of <c>device.json</c>: no reflection at run time. Unknown keys are refused
/// and nullable annotations respected; <see cref="DeviceConfigFile"/> checks the shape first to say what was expected.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    IndentSize = 2,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(DeviceOptions))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext
{
}
