using System.Globalization;
using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Imaging.Augmentation;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// The stages of one inspection, in order: decode (encoded frames only) → preprocess → backbone → head →
/// verdict, each timed, with every buffer allocated once. The head can be replaced while frames are being
/// inspected on another thread: <see cref="SwapHead"/> waits for the frame in progress, so every verdict comes
/// wholly from the old head or wholly from the new one.
/// </summary>
/// <remarks>
/// <para>
/// A raw RGB24 frame allocates only its <see cref="Verdict"/> (published, so not reusable). An encoded frame
/// also allocates the decoded image: ImageSharp 2.x has no decode-into-buffer API.
/// </para>
/// <para>
/// Calls are serialised by one lock (held for one frame, ~tens of ms on the reference VM); a swap of the head
/// copies a few thousand floats under it. Owns the backbone session and head predictor it creates; dispose is idempotent.
/// </para>
/// </remarks>
public sealed class InspectionPipeline : IDisposable, IPatchMapSource
{
    /// <summary>The head version name used for the bundle's initial head.</summary>
    public const string InitialHeadVersion = "initial";

    private readonly Lock _lock = new();
    private readonly HardenedImageDecoder _decoder;
    private readonly ImagePreprocessor _preprocessor;
    private readonly BackboneSession _backbone;
    private readonly HeadPredictor _head;
    private readonly AnomalyStage? _anomaly;
    private readonly TimeProvider _time;
    private readonly float[] _probabilities;
    private readonly float[] _lastFeatures;
    private readonly byte[] _lastThumbnail;
    private readonly int _thumbnailSide;
    private byte[] _contiguous = [];
    private byte[] _lastPixels = [];
    private byte[] _view = [];
    private int _lastWidth;
    private int _lastHeight;
    private bool _keepLastPixels;
    private int _lastThumbnailWidth;
    private int _lastThumbnailHeight;
    private Verdict? _lastVerdict;
    private string _headVersion;
    private bool _disposed;

    /// <summary>Creates the stages for a verified bundle.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="policy">How probabilities become a verdict (for the bundle's classes).</param>
    /// <param name="backbone">Execution provider, threads and spinning of the backbone; defaults when null.</param>
    /// <param name="head">The head to start with and its version name; the bundle's initial head when null.</param>
    /// <param name="decoder">Limits of the hardened decoder for encoded frames; defaults when null.</param>
    /// <param name="thumbnailSide">The longer side of the <see cref="LastFrame"/> thumbnail, 8 to 512. Default 96.</param>
    /// <param name="timeProvider">The clock of the stage timings; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="anomaly">The anomaly step (modes <c>anomaly</c> and <c>both</c>): the backbone then also gives its patch maps; null for mode <c>classify</c>.</param>
    /// <exception cref="EdgeTransferException">A session cannot be made (bad provider, a model that changed, a head that does not fit).</exception>
    public InspectionPipeline(
        DeviceBundle bundle,
        VerdictPolicy policy,
        BackboneOptions? backbone = null,
        (HeadCheckpoint Checkpoint, string Version)? head = null,
        ImageDecoderOptions? decoder = null,
        int thumbnailSide = 96,
        TimeProvider? timeProvider = null,
        AnomalyStage? anomaly = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(thumbnailSide, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thumbnailSide, 512);
        if (!policy.Classes.SequenceEqual(bundle.Classes, StringComparer.Ordinal))
        {
            throw new InvalidSettingException("inspection", $"the verdict policy is for classes [{string.Join(", ", policy.Classes)}], the bundle has [{string.Join(", ", bundle.Classes)}].");
        }

        Bundle = bundle;
        Policy = policy;
        _time = timeProvider ?? TimeProvider.System;
        _decoder = new HardenedImageDecoder(decoder);
        _preprocessor = bundle.CreatePreprocessor();
        var (checkpoint, version) = head ?? (bundle.InitialHead, InitialHeadVersion);
        bundle.CheckHead(checkpoint, version);
        _headVersion = version;
        _backbone = bundle.CreateBackbone(backbone, withPatchMaps: anomaly is not null);
        _anomaly = anomaly;
        try
        {
            anomaly?.Bind(_backbone, bundle);
            _head = bundle.CreateHeadPredictor(checkpoint);
            if (_head.FeatureSize != _backbone.FeatureSize || _head.ClassCount != bundle.Classes.Count)
            {
                _head.Dispose();
                throw new EdgeTransferException(string.Create(CultureInfo.InvariantCulture, $"Bundle '{bundle.BundleId}' does not fit together: the backbone gives {_backbone.FeatureSize} features, the head takes {_head.FeatureSize} and gives {_head.ClassCount} classes for {bundle.Classes.Count} class names; prepare the bundle again."));
            }
        }
        catch
        {
            _backbone.Dispose();
            throw;
        }

        _probabilities = new float[_head.ClassCount];
        _lastFeatures = new float[_backbone.FeatureSize];
        _thumbnailSide = thumbnailSide;
        _lastThumbnail = new byte[thumbnailSide * thumbnailSide * 3];
    }

    /// <summary>The bundle the stages run.</summary>
    public DeviceBundle Bundle { get; }

    /// <summary>How probabilities become a verdict.</summary>
    public VerdictPolicy Policy { get; }

    /// <summary>The backbone's execution provider (after any fallback).</summary>
    public BackboneSession Backbone => _backbone;

    /// <summary>The version name of the head in service.</summary>
    public string HeadVersion => Volatile.Read(ref _headVersion);

    /// <summary>One warm-up run of the backbone (first-run costs are not the first part's).</summary>
    public void WarmUp()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _backbone.WarmUp();
        }
    }

    /// <summary>
    /// Puts a new head in service (after a promotion or a rollback). Waits for the frame in progress; the next
    /// frame uses the new head. A head that does not fit the bundle is refused and the old one stays.
    /// </summary>
    /// <param name="head">The new head (read from the head registry).</param>
    /// <param name="version">Its version name (<c>v0003</c>), carried by every verdict it produces.</param>
    /// <exception cref="EdgeTransferException">The head does not fit the bundle.</exception>
    public void SwapHead(HeadCheckpoint head, string version)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentException.ThrowIfNullOrEmpty(version);

        // Checked before the lock, so a bad head never delays a frame and never touches the buffers.
        Bundle.CheckHead(head, version);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _head.UpdateParameters(head);
            Volatile.Write(ref _headVersion, version);
        }
    }

    /// <summary>
    /// Whether the last frame's pixels are kept (one copy per frame into a reused buffer), so that
    /// <see cref="AugmentedFeatures"/> can render its views; on when collection-time augmentation is. Default false.
    /// </summary>
    public bool KeepLastPixels
    {
        get => Volatile.Read(ref _keepLastPixels);
        set => Volatile.Write(ref _keepLastPixels, value);
    }

    /// <summary>
    /// The features of the augmented views of the last frame (one backbone run per view), or null when
    /// <paramref name="frameId"/> is no longer the last frame or its pixels were not kept (<see cref="KeepLastPixels"/>).
    /// </summary>
    /// <param name="frameId">The frame the views are for.</param>
    /// <param name="augmenter">Renders the views.</param>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed on a view.</exception>
    public IReadOnlyList<float[]>? AugmentedFeatures(long frameId, FrameAugmenter augmenter)
    {
        ArgumentNullException.ThrowIfNull(augmenter);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_lastVerdict?.FrameId != frameId || _lastWidth == 0)
            {
                return null;
            }

            var views = new float[augmenter.Views][];
            var (width, height) = augmenter.ViewSize(_lastWidth, _lastHeight);
            if (_view.Length < width * height * 3)
            {
                _view = new byte[width * height * 3];
            }

            for (var v = 0; v < views.Length; v++)
            {
                augmenter.Render(_lastPixels, _lastWidth, _lastHeight, _lastWidth * 3, v, unchecked((ulong)frameId), _view);
                _preprocessor.Preprocess(_view.AsSpan(0, width * height * 3), width, height, width * 3, _backbone.Input);
                views[v] = _backbone.Run().ToArray();
            }

            return views;
        }
    }

    /// <inheritdoc />
    public bool HasPatchMaps => _backbone.PatchLayers.Count >= 2;

    /// <inheritdoc />
    /// <remarks>Runs under the pipeline's lock, between two frames: a fit that borrows the backbone delays a frame by one backbone run at most.</remarks>
    public FeatureLayout ReadPatchMaps(Image<Rgb24> image, Span<float> stage2, Span<float> stage3)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // The finest map is stage 2 and the next coarser stage 3, as PatchFeatureReader.StageLayers chooses them.
            var byStride = _backbone.PatchLayers.Select((l, i) => (l.Stride, Index: i)).OrderBy(l => l.Stride).ToArray();
            var (fine, coarse) = (byStride[0].Index, byStride[1].Index);
            _preprocessor.Preprocess(image, _backbone.Input);
            _backbone.Run();
            _backbone.PatchMap(fine).CopyTo(stage2);
            _backbone.PatchMap(coarse).CopyTo(stage3);
            var layers = _backbone.PatchLayers;
            return new FeatureLayout(
                new FeatureMapShape(layers[fine].Channels, layers[fine].Height, layers[fine].Width),
                new FeatureMapShape(layers[coarse].Channels, layers[coarse].Height, layers[coarse].Width));
        }
    }

    /// <summary>The version of the anomaly model in service, or null in mode <c>classify</c>.</summary>
    public string? AnomalyModelVersion => _anomaly?.ModelVersion;

    /// <summary>
    /// Whether verdicts carry the anomaly byte map (starts as <c>inspection.anomaly.includeMap</c>); setting it
    /// takes effect from the next frame. Always false in mode <c>classify</c>, where setting it does nothing.
    /// </summary>
    public bool IncludeAnomalyMap
    {
        get => _anomaly?.IncludeMap ?? false;
        set
        {
            if (_anomaly is { } stage)
            {
                stage.IncludeMap = value;
            }
        }
    }

    /// <summary>
    /// Puts a new anomaly model in service (after a fit or a rollback), between two frames. A model fitted on
    /// other feature maps is refused and the old one stays. Does nothing in mode <c>classify</c>.
    /// </summary>
    /// <param name="model">The verified model.</param>
    /// <param name="version">Its version name, carried by every verdict it scores.</param>
    /// <exception cref="FeatureLayoutException">The model reads maps of other shapes.</exception>
    public void SwapAnomalyModel(AnomalyModel model, string version)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(version);
        if (_anomaly is null)
        {
            return;
        }

        var scorer = _anomaly.Prepare(model);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _anomaly.Swap(scorer, version);
        }
    }

    /// <summary>Inspects a raw RGB24 frame from a source.</summary>
    /// <param name="frame">The frame; its pixels are read during the call only.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ImageDecodeException">The pixel buffer does not match the frame's size (a corrupt frame).</exception>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed on the frame.</exception>
    public Verdict Inspect(in Frame frame)
    {
        if (frame.Width <= 0 || frame.Height <= 0 || frame.Pixels.Length != (long)frame.Width * frame.Height * 3)
        {
            throw new ImageDecodeException(
                frame.Origin ?? frame.SourceName,
                string.Create(CultureInfo.InvariantCulture, $"frame {frame.Id} says {frame.Width} × {frame.Height} RGB24 ({(long)frame.Width * frame.Height * 3} bytes) but carries {frame.Pixels.Length} bytes; the frame is corrupt."));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var start = _time.GetTimestamp();
            return Run(frame.Pixels.Span, frame.Width, frame.Height, start, start, frame.Id, frame.Timestamp, frame.SourceName, frame.Label);
        }
    }

    /// <summary>Decodes and inspects an encoded frame (JPEG, PNG or BMP), through the hardened decoder.</summary>
    /// <param name="encoded">The encoded image.</param>
    /// <param name="sourceName">Where it came from (file, payload), for messages and the verdict.</param>
    /// <param name="frameId">The frame id to report.</param>
    /// <param name="timestamp">When it was captured; now when null.</param>
    /// <param name="label">The known class, or null.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ImageDecodeException">The image is unsupported, corrupt, truncated or beyond the limits.</exception>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed on the frame.</exception>
    public Verdict InspectEncoded(ReadOnlySpan<byte> encoded, string sourceName, long frameId = 0, DateTimeOffset? timestamp = null, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var start = _time.GetTimestamp();
            using var image = _decoder.Decode(encoded, sourceName);
            var decoded = _time.GetTimestamp();
            return Run(PixelsOf(image), image.Width, image.Height, start, decoded, frameId, timestamp ?? _time.GetUtcNow(), sourceName, label);
        }
    }

    /// <summary>A copy of the last inspected frame (features, thumbnail, verdict), or null before the first.</summary>
    public LastFrame? GetLastFrame()
    {
        lock (_lock)
        {
            if (_lastVerdict is not { } verdict)
            {
                return null;
            }

            var thumbnail = _lastThumbnail.AsSpan(0, _lastThumbnailWidth * _lastThumbnailHeight * 3).ToArray();
            return new LastFrame(verdict.FrameId, verdict.Timestamp, verdict.SourceName, verdict.Label, (float[])_lastFeatures.Clone(), _lastThumbnailWidth, _lastThumbnailHeight, thumbnail, verdict);
        }
    }

    /// <summary>Releases the sessions. Safe to call more than once; waits for a frame in progress.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _anomaly?.Release();
            _head.Dispose();
            _backbone.Dispose();
        }
    }

    // Called under the lock.
    private Verdict Run(ReadOnlySpan<byte> rgb, int width, int height, long start, long decoded, long frameId, DateTimeOffset timestamp, string sourceName, string? label)
    {
        _preprocessor.Preprocess(rgb, width, height, width * 3, _backbone.Input);
        var preprocessed = _time.GetTimestamp();
        var features = _backbone.Run();
        var extracted = _time.GetTimestamp();
        _head.Predict(features, _probabilities);
        var decision = Policy.Decide(_probabilities);
        var className = Policy.Classes[decision.ClassIndex];
        AnomalyVerdict? anomaly = null;
        if (_anomaly is not null)
        {
            (decision, className, anomaly) = _anomaly.Decide(_backbone, Policy, _probabilities);
        }

        var end = _time.GetTimestamp();
        var latencies = new StageLatencies(
            _time.GetElapsedTime(start, decoded),
            _time.GetElapsedTime(decoded, preprocessed),
            _time.GetElapsedTime(preprocessed, extracted),
            _time.GetElapsedTime(extracted, end),
            _time.GetElapsedTime(start, end));
        var verdict = new Verdict(frameId, timestamp, sourceName, label, decision, className, _probabilities, _headVersion, latencies) { Anomaly = anomaly };
        features.CopyTo(_lastFeatures);
        Thumbnail(rgb, width, height);
        KeepPixels(rgb, width, height);
        _lastVerdict = verdict;
        return verdict;
    }

    private void KeepPixels(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (!KeepLastPixels)
        {
            _lastWidth = _lastHeight = 0;
            return;
        }

        // Grows to the largest frame once; a copy per frame costs well under a millisecond at camera sizes.
        if (_lastPixels.Length < rgb.Length)
        {
            _lastPixels = new byte[rgb.Length];
        }

        rgb.CopyTo(_lastPixels);
        (_lastWidth, _lastHeight) = (width, height);
    }

    // Nearest-neighbour, longer side = _thumbnailSide: a picture to recognise the part by, not to measure it.
    private void Thumbnail(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var side = _thumbnailSide;
        var tw = width >= height ? Math.Min(side, width) : Math.Max(1, (int)((long)Math.Min(side, height) * width / height));
        var th = width >= height ? Math.Max(1, (int)((long)Math.Min(side, width) * height / width)) : Math.Min(side, height);
        for (var y = 0; y < th; y++)
        {
            var sy = (int)(((2L * y) + 1) * height / (2L * th));
            var row = rgb.Slice(sy * width * 3, width * 3);
            var dst = _lastThumbnail.AsSpan(y * tw * 3, tw * 3);
            for (var x = 0; x < tw; x++)
            {
                var sx = (int)(((2L * x) + 1) * width / (2L * tw));
                dst[(x * 3) + 0] = row[(sx * 3) + 0];
                dst[(x * 3) + 1] = row[(sx * 3) + 1];
                dst[(x * 3) + 2] = row[(sx * 3) + 2];
            }
        }

        _lastThumbnailWidth = tw;
        _lastThumbnailHeight = th;
    }

    // The decoder asks ImageSharp for one contiguous buffer; should it ever come in pieces, copy it into a reused one.
    private ReadOnlySpan<byte> PixelsOf(Image<Rgb24> image)
    {
        if (image.DangerousTryGetSinglePixelMemory(out var memory))
        {
            return MemoryMarshal.AsBytes(memory.Span);
        }

        var length = image.Width * image.Height * 3;
        if (_contiguous.Length < length)
        {
            _contiguous = new byte[length];
        }

        image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(_contiguous.AsSpan(0, length)));
        return _contiguous.AsSpan(0, length);
    }
}
