using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>The order of the colour planes the model expects.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (PyTorch and most exports).</summary>
    [JsonStringEnumMemberName("RGB")]
    Rgb,

    /// <summary>Blue, green, red (Caffe-style models such as ML.NET's ResNet18).</summary>
    [JsonStringEnumMemberName("BGR")]
    Bgr,
}
