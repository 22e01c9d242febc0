using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Quantization.Calibration;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Preparation;

/// <summary>
/// The calibration images of <c>prepare --quantize int8</c>, preprocessed exactly as the device will
/// preprocess frames, in batches. From a folder (ImageFolder tree or flat; unreadable files are skipped
/// and counted) or, without one, from seeded synthetic parts.
/// </summary>
public sealed class CalibrationImages
{
    private const int BatchSize = 8;
    private readonly ImageFolderDataset? _dataset;
    private readonly QuantizeOptions _options;
    private readonly ImagePreprocessor _preprocessor;
    private readonly HardenedImageDecoder _decoder = new();

    private CalibrationImages(ImageFolderDataset? dataset, QuantizeOptions options, ImagePreprocessor preprocessor, string description)
    {
        _dataset = dataset;
        _options = options;
        _preprocessor = preprocessor;
        Description = description;
    }

    /// <summary>Where the images come from, for the log.</summary>
    public string Description { get; }

    /// <summary>Files that could not be used, with the reason.</summary>
    public IReadOnlyList<SkippedImage> Skipped => _dataset?.Skipped ?? [];

    /// <summary>How many files were skipped.</summary>
    public int SkippedCount => _dataset?.SkippedCount ?? 0;

    /// <summary>Opens the source named by <paramref name="options"/>.</summary>
    /// <param name="options">The calibration options.</param>
    /// <param name="input">The model's input spec.</param>
    /// <param name="meanImage">The mean image, when the spec has one.</param>
    /// <param name="log">Progress lines.</param>
    /// <exception cref="ImageDatasetException">The folder has no usable image.</exception>
    public static CalibrationImages Open(QuantizeOptions options, InputSpec input, float[]? meanImage, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(log);
        var preprocessor = meanImage is null ? new ImagePreprocessor(input) : new ImagePreprocessor(input, meanImage);
        if (options.CalibrationDirectory is null)
        {
            log("quantize   no --calibration folder: calibrating on seeded synthetic parts (good, scratch, dent, stain, hole)");
            return new CalibrationImages(null, options, preprocessor, "synthetic parts");
        }

        var dataset = ImageFolderDataset.Open(options.CalibrationDirectory);
        return new CalibrationImages(dataset, options, preprocessor, options.CalibrationDirectory);
    }

    /// <summary>The preprocessed images in batches of up to 8, at most <see cref="QuantizeOptions.MaxImages"/> in all.</summary>
    public IEnumerable<CalibrationBatch> Batches()
    {
        var perImage = _preprocessor.ValuesPerImage;
        var input = _preprocessor.Input;
        var buffer = new float[BatchSize * perImage];
        var count = 0;
        var total = 0;
        foreach (var image in Images())
        {
            using (image)
            {
                _preprocessor.Preprocess(image, buffer.AsSpan(count * perImage, perImage));
            }

            count++;
            total++;
            if (count == BatchSize)
            {
                yield return new CalibrationBatch(buffer[..(count * perImage)], count, input.Channels, input.Height, input.Width);
                count = 0;
            }

            if (total == _options.MaxImages)
            {
                break;
            }
        }

        if (count > 0)
        {
            yield return new CalibrationBatch(buffer[..(count * perImage)], count, input.Channels, input.Height, input.Width);
        }
    }

    private IEnumerable<SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>> Images()
    {
        if (_dataset is null)
        {
            var generator = new SyntheticPartGenerator(_options.SyntheticSeed);
            var classes = SyntheticPartGenerator.DefectClasses;
            var size = Math.Max(_preprocessor.Input.Height, _preprocessor.Input.Width);
            for (var i = 0; i < _options.MaxImages; i++)
            {
                yield return generator.Generate(classes[i % classes.Count], i / classes.Count, size);
            }

            yield break;
        }

        foreach (var labeled in _dataset.ReadImages(_decoder))
        {
            // LabeledImage owns the image; hand the image itself to the caller, who disposes it.
            yield return labeled.Image;
        }
    }
}
