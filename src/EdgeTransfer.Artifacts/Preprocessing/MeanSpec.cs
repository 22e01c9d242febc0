using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>
/// What is subtracted from every pixel: one value per channel, or a whole image. Exactly one of
/// <see cref="PerChannel"/>, <see cref="Image"/> and <see cref="ImageFile"/> is set.
/// </summary>
/// <remarks>
/// Values are in the model's channel order and in the pixel scale of the spec (0–255 or 0–1).
/// A committed spec names the model initializer that holds a mean image; a bundle carries the image as
/// a raw file instead (<c>mean_image.f32</c>), so that the device never needs the preprocessing model.
/// </remarks>
public sealed record MeanSpec
{
    /// <summary>One mean per channel, in the model's channel order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<float>? PerChannel { get; init; }

    /// <summary>A mean image held by an initializer of an ONNX model (in a committed spec only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MeanImageSource? Image { get; init; }

    /// <summary>
    /// A raw float32 little-endian [C,H,W] file: relative to the bundle directory in a manifest, to the
    /// spec's folder in a spec.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImageFile { get; init; }

    /// <summary>Whether a whole image (from a model or a file), not one value per channel, is subtracted.</summary>
    [JsonIgnore]
    public bool IsImage => PerChannel is null;
}
