using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>
/// Turns image files into the anomaly model's input: each image is decoded by the hardened decoder,
/// preprocessed exactly as the inspection pipeline does (the bundle's preprocessor) and run once through the
/// bundle's backbone with patch maps; the two finest maps are copied out as stage 2 and stage 3.
/// </summary>
/// <remarks>Not thread-safe: one reader per thread. Owns its backbone session.</remarks>
public sealed class PatchFeatureReader : IDisposable
{
    private readonly HardenedImageDecoder _decoder = new();
    private readonly ImagePreprocessor? _preprocessor;
    private readonly BackboneSession? _backbone;
    private readonly IPatchMapSource? _borrowed;
    private readonly int _stage2;
    private readonly int _stage3;

    /// <summary>Opens the bundle's backbone with its patch maps.</summary>
    /// <param name="bundle">The verified bundle.</param>
    /// <param name="options">Execution provider and threads of the backbone; defaults when null.</param>
    /// <exception cref="BundleException">The bundle has no patch features (format 1, or prepared with <c>--patch-layers none</c>).</exception>
    public PatchFeatureReader(DeviceBundle bundle, BackboneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        _backbone = bundle.CreateBackbone(options, withPatchMaps: true);
        _preprocessor = bundle.CreatePreprocessor();
        (_stage2, _stage3) = StageLayers(_backbone.PatchLayers, bundle);
        Layout = new FeatureLayout(ShapeOf(_backbone.PatchLayers[_stage2]), ShapeOf(_backbone.PatchLayers[_stage3]));
    }

    /// <summary>Reads through a backbone open elsewhere (the inspection pipeline's), which it does not own.</summary>
    /// <param name="source">A source that gives patch maps.</param>
    /// <param name="layout">The shapes of its maps.</param>
    public PatchFeatureReader(IPatchMapSource source, FeatureLayout layout)
    {
        ArgumentNullException.ThrowIfNull(source);
        _borrowed = source;
        Layout = layout;
    }

    /// <summary>The shapes of the maps this reader gives.</summary>
    public FeatureLayout Layout { get; }

    /// <summary>The stage 2 and stage 3 layers of a backbone: the finest patch map and the next coarser one.</summary>
    /// <param name="layers">The backbone's patch layers.</param>
    /// <param name="bundle">The bundle, for the message.</param>
    /// <exception cref="BundleException">Fewer than two layers, or two of the same stride.</exception>
    public static (int Stage2, int Stage3) StageLayers(IReadOnlyList<PatchLayerInfo> layers, DeviceBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(bundle);
        var byStride = layers.Select((l, i) => (l.Stride, Index: i)).OrderBy(l => l.Stride).ToArray();
        if (byStride.Length < 2 || byStride[0].Stride == byStride[1].Stride)
        {
            throw new BundleException(bundle.Bundle.DirectoryPath, BundleManifest.FileName, $"has {layers.Count} patch layer(s) ({string.Join(", ", layers.Select(l => $"{l.Name} stride {l.Stride}"))}); the anomaly model needs two of different strides (ResNet18: stage 2 and stage 3). Prepare the bundle again with the default --patch-layers.");
        }

        return (byStride[0].Index, byStride[1].Index);
    }

    /// <summary>Reads one image file.</summary>
    /// <param name="path">A PNG, JPEG or BMP file.</param>
    /// <exception cref="ImageDecodeException">The file is not a usable image.</exception>
    public AnomalyFeatures Read(string path)
    {
        using var image = _decoder.DecodeFile(path);
        return Read(image);
    }

    /// <summary>Reads one decoded image.</summary>
    /// <param name="image">The image, any size (the preprocessor resizes it).</param>
    public AnomalyFeatures Read(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var stage2 = new float[Layout.Stage2.Length];
        var stage3 = new float[Layout.Stage3.Length];
        ReadInto(image, stage2, stage3);
        return new AnomalyFeatures(new FeatureMap(stage2, Layout.Stage2), new FeatureMap(stage3, Layout.Stage3));
    }

    /// <summary>Reads every image of a data set, skipping files that cannot be decoded (listed in its <see cref="ImageFolderDataset.Skipped"/>).</summary>
    /// <param name="images">The data set.</param>
    /// <param name="progress">Told after each image; may be null.</param>
    /// <param name="total">The total to report (for progress over two data sets).</param>
    /// <param name="offset">Images already done before this data set.</param>
    /// <param name="skipGoodFolder">Skip images in a sub-folder named <c>good</c> (the good parts of an MVTec <c>test</c> folder read as defects).</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public List<AnomalyFeatures> ReadAll(ImageFolderDataset images, IProgress<AnomalyFitProgress>? progress, int total, int offset, bool skipGoodFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        return [.. Enumerate(images, progress, total, offset, skipGoodFolder, reuse: false, paths: null, cancellationToken)];
    }

    /// <summary>
    /// Reads the images of a data set one at a time, as they are enumerated, into one pair of buffers: the maps given
    /// for an image are overwritten by the next image, so a consumer copies what it keeps. A fit from many images then
    /// leaves no per-image garbage on the large-object heap. Files that cannot be decoded are skipped as in <see cref="ReadAll"/>.
    /// </summary>
    /// <param name="images">The data set.</param>
    /// <param name="progress">Told after each image; may be null.</param>
    /// <param name="total">The total to report (for progress over two data sets).</param>
    /// <param name="offset">Images already done before this data set.</param>
    /// <param name="skipGoodFolder">Skip images in a sub-folder named <c>good</c>.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public IEnumerable<AnomalyFeatures> ReadEach(ImageFolderDataset images, IProgress<AnomalyFitProgress>? progress, int total, int offset, bool skipGoodFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Enumerate(images, progress, total, offset, skipGoodFolder, reuse: true, paths: null, cancellationToken);
    }

    // As ReadEach, adding each image's path to paths as its maps are handed over, so a fit can name a sample.
    internal IEnumerable<AnomalyFeatures> ReadEach(ImageFolderDataset images, IProgress<AnomalyFitProgress>? progress, int total, int offset, bool skipGoodFolder, List<string> paths, CancellationToken cancellationToken) =>
        Enumerate(images, progress, total, offset, skipGoodFolder, reuse: true, paths, cancellationToken);

    private IEnumerable<AnomalyFeatures> Enumerate(ImageFolderDataset images, IProgress<AnomalyFitProgress>? progress, int total, int offset, bool skipGoodFolder, bool reuse, List<string>? paths, CancellationToken cancellationToken)
    {
        var read = 0;
        var stage2 = reuse ? new float[Layout.Stage2.Length] : [];
        var stage3 = reuse ? new float[Layout.Stage3.Length] : [];
        foreach (var image in images.ReadImages(_decoder))
        {
            using (image)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (skipGoodFolder && image.Entry.ClassName == "good")
                {
                    continue;
                }

                AnomalyFeatures features;
                if (reuse)
                {
                    ReadInto(image.Image, stage2, stage3);
                    features = new AnomalyFeatures(new FeatureMap(stage2, Layout.Stage2), new FeatureMap(stage3, Layout.Stage3));
                }
                else
                {
                    features = Read(image.Image);
                }

                progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Features, offset + ++read, total));
                paths?.Add(image.Entry.Path);
                yield return features;
            }
        }
    }

    /// <summary>Copies the stage maps of the backbone's last run (the session reuses its buffers on the next run).</summary>
    /// <param name="backbone">A session with patch maps, after <see cref="BackboneSession.Run"/>.</param>
    /// <param name="stage2">The stage 2 layer index.</param>
    /// <param name="stage3">The stage 3 layer index.</param>
    /// <param name="layout">Their shapes.</param>
    public static AnomalyFeatures Copy(BackboneSession backbone, int stage2, int stage3, FeatureLayout layout)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return new AnomalyFeatures(
            new FeatureMap(backbone.PatchMap(stage2).ToArray(), layout.Stage2),
            new FeatureMap(backbone.PatchMap(stage3).ToArray(), layout.Stage3));
    }

    /// <inheritdoc />
    public void Dispose() => _backbone?.Dispose();

    private void ReadInto(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image, float[] stage2, float[] stage3)
    {
        if (_borrowed is not null)
        {
            var layout = _borrowed.ReadPatchMaps(image, stage2, stage3);
            if (layout != Layout)
            {
                throw new FeatureLayoutException(Layout, layout);
            }

            return;
        }

        _preprocessor!.Preprocess(image, _backbone!.Input);
        _backbone.Run();
        _backbone.PatchMap(_stage2).CopyTo(stage2);
        _backbone.PatchMap(_stage3).CopyTo(stage3);
    }

    private static FeatureMapShape ShapeOf(PatchLayerInfo layer) => new(layer.Channels, layer.Height, layer.Width);
}
