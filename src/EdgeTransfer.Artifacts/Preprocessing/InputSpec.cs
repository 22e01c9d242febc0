using System.Text.Json.Serialization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Json;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>
/// The image tensor a model takes and how a camera frame becomes it: the <c>input</c> section of a
/// preprocessing spec and of a bundle manifest.
/// </summary>
/// <remarks>
/// A pixel p (0–255, 8 bits) becomes x = p · <see cref="PixelScale"/> / 255, then (x − mean) / std,
/// with the planes in <see cref="ChannelOrder"/>.
/// </remarks>
public sealed record InputSpec
{
    /// <summary>The largest height or width accepted, a guard against typos such as 22400.</summary>
    public const int MaxSide = 8192;

    /// <summary>The name of the model's image input tensor.</summary>
    public required string Name { get; init; }

    /// <summary>The tensor layout (NCHW only in format v1).</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;

    /// <summary>The number of colour channels (3 in format v1).</summary>
    public required int Channels { get; init; }

    /// <summary>The height the model takes, in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>The width the model takes, in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>The order of the colour planes.</summary>
    public required ChannelOrder ChannelOrder { get; init; }

    /// <summary>255 when the model takes values 0–255, 1 when it takes 0–1.</summary>
    public required float PixelScale { get; init; }

    /// <summary>What is subtracted from every pixel.</summary>
    public required MeanSpec Mean { get; init; }

    /// <summary>What every pixel is divided by after the mean, per channel; null means 1 (no division).</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>How a frame is resized (and cropped) to <see cref="Height"/> × <see cref="Width"/>.</summary>
    public required ResizeSpec Resize { get; init; }

    /// <summary>The standard deviations to divide by, one per channel (ones when <see cref="Std"/> is null).</summary>
    public float[] GetStd() => Std is null ? [.. Enumerable.Repeat(1f, Channels)] : [.. Std];

    /// <summary>The number of float values of one preprocessed image (C·H·W).</summary>
    [JsonIgnore]
    public int ValuesPerImage => Channels * Height * Width;

    /// <summary>Checks every field; <paramref name="error"/> builds the exception for a path and a reason.</summary>
    /// <param name="path">The JSON path of this section (<c>input</c>).</param>
    /// <param name="error">Builds the exception to throw.</param>
    /// <param name="inBundle">True in a manifest: the mean image must then be a file of the bundle.</param>
    internal void Validate(string path, ValidationError error, bool inBundle)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw error($"{path}.name", "expected the name of the model's input tensor, got an empty text.");
        }

        if (Channels != 3)
        {
            throw error($"{path}.channels", $"expected 3 (format v1 reads RGB or BGR images), got {Channels}.");
        }

        CheckSide($"{path}.height", Height, error);
        CheckSide($"{path}.width", Width, error);
        if (PixelScale is not (1f or 255f))
        {
            throw error($"{path}.pixelScale", $"expected 255 (the model takes values 0–255) or 1 (values 0–1), got {PixelScale}.");
        }

        ValidateMean($"{path}.mean", error, inBundle);
        if (Std is not null)
        {
            if (Std.Count != Channels)
            {
                throw error($"{path}.std", $"expected {Channels} values (one per channel, in {ChannelOrder} order), got {Std.Count}.");
            }

            for (var i = 0; i < Std.Count; i++)
            {
                if (!(Std[i] > 0) || !float.IsFinite(Std[i]))
                {
                    throw error($"{path}.std[{i}]", $"expected a positive number, got {Std[i]}.");
                }
            }
        }

        ValidateResize($"{path}.resize", error);
    }

    private static void CheckSide(string path, int value, ValidationError error)
    {
        if (value is < 1 or > MaxSide)
        {
            throw error(path, $"expected a whole number from 1 to {MaxSide}, got {value}.");
        }
    }

    private void ValidateMean(string path, ValidationError error, bool inBundle)
    {
        var set = (Mean.PerChannel is null ? 0 : 1) + (Mean.Image is null ? 0 : 1) + (Mean.ImageFile is null ? 0 : 1);
        if (set != 1)
        {
            throw error(path, inBundle
                ? $"expected exactly one of perChannel or imageFile, got {set}."
                : $"expected exactly one of perChannel, image or imageFile, got {set}.");
        }

        if (Mean.PerChannel is { } perChannel)
        {
            if (perChannel.Count != Channels)
            {
                throw error($"{path}.perChannel", $"expected {Channels} values (one per channel, in {ChannelOrder} order), got {perChannel.Count}.");
            }

            for (var i = 0; i < perChannel.Count; i++)
            {
                // A mean outside the pixel range is almost always a scale mix-up (ImageNet's 123.7 with pixelScale 1).
                if (!float.IsFinite(perChannel[i]) || perChannel[i] < 0 || perChannel[i] > PixelScale)
                {
                    throw error($"{path}.perChannel[{i}]", $"expected a value from 0 to {PixelScale} (the pixelScale), got {perChannel[i]}; check pixelScale.");
                }
            }
        }

        if (Mean.Image is { } image)
        {
            if (inBundle)
            {
                throw error($"{path}.image", "a bundle carries its mean image as a file: expected imageFile, got image (a model initializer).");
            }

            if (string.IsNullOrWhiteSpace(image.Model))
            {
                throw error($"{path}.image.model", "expected the ONNX file that holds the mean image, got an empty text.");
            }

            if (string.IsNullOrWhiteSpace(image.Initializer))
            {
                throw error($"{path}.image.initializer", "expected the name of the initializer that holds the mean image, got an empty text.");
            }
        }

        if (Mean.ImageFile is { } file)
        {
            var problem = inBundle ? RelativePath.Problem(file) : (string.IsNullOrWhiteSpace(file) ? "it is empty" : null);
            if (problem is not null)
            {
                throw error($"{path}.imageFile", $"expected a file name inside the {(inBundle ? "bundle" : "spec's folder")}, got '{file}': {problem}.");
            }
        }
    }

    private void ValidateResize(string path, ValidationError error)
    {
        switch (Resize.Mode)
        {
            case ResizeMode.Stretch when Resize.Size is not null:
                throw error($"{path}.size", $"is only used with mode \"shorter-side\"; remove it for mode \"stretch\" (got {Resize.Size}).");
            case ResizeMode.ShorterSide when Resize.Size is null:
                throw error($"{path}.size", $"is missing: mode \"shorter-side\" needs the length of the shorter side after the resize (e.g. 256 before a {Height}×{Width} crop).");
            case ResizeMode.ShorterSide when Resize.Size < Math.Max(Height, Width) || Resize.Size > MaxSide:
                throw error($"{path}.size", $"expected a whole number from {Math.Max(Height, Width)} (the crop must fit) to {MaxSide}, got {Resize.Size}.");
            default:
                break;
        }
    }
}
