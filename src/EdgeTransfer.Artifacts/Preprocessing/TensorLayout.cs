using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>The memory layout of the image tensor.</summary>
public enum TensorLayout
{
    /// <summary>Batch, channel, height, width: planar, the layout of ONNX vision models.</summary>
    [JsonStringEnumMemberName("NCHW")]
    Nchw,
}
