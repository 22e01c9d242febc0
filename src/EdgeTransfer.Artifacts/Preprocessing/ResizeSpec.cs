using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>The resize (and crop) policy of a preprocessing spec.</summary>
public sealed record ResizeSpec
{
    /// <summary>Stretch the frame, or resize the shorter side and crop the centre.</summary>
    public required ResizeMode Mode { get; init; }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;

    /// <summary>
    /// The length of the shorter side after the resize, for <see cref="ResizeMode.ShorterSide"/> only
    /// (256 for the usual ImageNet "resize 256, crop 224"); null for <see cref="ResizeMode.Stretch"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Size { get; init; }
}
