using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>The source-generated JSON contract of <see cref="EvaluationReport"/>: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    IndentSize = 2,
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext
{
}
