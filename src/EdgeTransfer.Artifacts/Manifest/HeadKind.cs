using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The shape of the trainable head.</summary>
public enum HeadKind
{
    /// <summary>One linear layer: <c>head.weight</c> [D,C], <c>head.bias</c> [C].</summary>
    [JsonStringEnumMemberName("linear")]
    Linear,

    /// <summary>Two linear layers with a ReLU between them (<c>mlp:&lt;hidden&gt;</c> on the command line).</summary>
    [JsonStringEnumMemberName("mlp")]
    Mlp,
}
