using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>How a camera frame is brought to the model's height and width.</summary>
public enum ResizeMode
{
    /// <summary>The whole frame is resized to height × width, ignoring its aspect ratio (what ML.NET does).</summary>
    [JsonStringEnumMemberName("stretch")]
    Stretch,

    /// <summary>The shorter side is resized to <see cref="ResizeSpec.Size"/> keeping the aspect ratio, then the centre is cropped to height × width (torchvision's Resize + CenterCrop).</summary>
    [JsonStringEnumMemberName("shorter-side")]
    ShorterSide,
}
