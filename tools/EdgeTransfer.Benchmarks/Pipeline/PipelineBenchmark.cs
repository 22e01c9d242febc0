using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Benchmarks.Backbone;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Preparation;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Benchmarks.Pipeline;

/// <summary>
/// <c>edgetransfer bench pipeline</c>: per-stage latency of one inspection on this machine, for camera-sized JPEG
/// frames: decode (hardened ImageSharp decoder) → resize + normalise → INT8 backbone → head, with the issue-4 target
/// preprocessing (decode + resize + normalise) ≤ 30 % of the INT8 backbone time, a ratio measured in one run.
/// </summary>
/// <remarks>
/// The stages are the runtime's own components (HardenedImageDecoder, ImagePreprocessor, HeadPredictor) and an ORT
/// session with the device's settings (CPU, allow_spinning 0, pre-allocated tensors). Frames are synthetic parts
/// (seeded) encoded as JPEG in memory, so the figure does not depend on a disk. Resize and normalise are one fused
/// call, as the runtime makes it; the first (scalar, rows-first) resize followed by the table normalisation runs on
/// the same decoded frame after the head, outside the pipeline's total, as the baseline of the same run.
/// </remarks>
public static class PipelineBenchmark
{
    /// <summary>The issue-4 target: preprocessing at most this share of the INT8 backbone's time.</summary>
    public const double TargetRatio = 0.30;

    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="log">Progress lines (to standard error); none when null.</param>
    /// <param name="cancellationToken">Stops between frames.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="EdgeTransferException">A bad option, a bundle that is not valid or has no INT8 backbone, an ORT failure.</exception>
    public static PipelineReport Run(PipelineBenchmarkOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        log ??= _ => { };
        var machine = MachineInfo.Detect();
        using var work = new WorkDirectory();
        var directory = options.BundlePath;
        if (directory is null)
        {
            log("preparing an INT8 ResNet18 bundle (16 synthetic calibration images) …");
            directory = work.Combine("bundle");
            BundlePreparer.Prepare(new PrepareOptions
            {
                Classes = ["good", "scratch", "dent"],
                OutputDirectory = directory,
                Quantize = new QuantizeOptions { MaxImages = 16, KeepFloat = false },
            });
        }

        var bundle = BundleReader.Open(directory);
        if (!bundle.TryGetPath(BundleRoles.BackboneInt8, out var int8Path))
        {
            throw new InvalidSettingException("--bundle", $"bundle '{bundle.DisplayName}' has no INT8 backbone, and the target is about the INT8 backbone; prepare it with '--quantize int8'.");
        }

        var manifest = bundle.Manifest;
        var input = manifest.Input;
        var preprocessor = new ImagePreprocessor(input, bundle.ReadMeanImage());
        var decoder = new HardenedImageDecoder();
        log($"encoding {options.DistinctFrames} synthetic {options.Width}×{options.Height} parts as JPEG (quality {options.JpegQuality}) …");
        var frames = EncodeFrames(options);
        using var backbone = new BackboneSession(
            OnnxModelFile.Load(bundle.ReadBackbone(BundleRoles.BackboneInt8), int8Path), "int8", input.Name, manifest.Features.Tensor, [input.Channels, input.Height, input.Width], manifest.Features.Size, options.Threads, spinning: false);
        using var head = HeadPredictor.Load(bundle.GetPath(BundleRoles.InferenceModel), bundle.ReadCheckpoint());
        var baseline = new ImagePreprocessor(input, bundle.ReadMeanImage()) { UseReferenceResize = true };
        var resized = new byte[input.Height * input.Width * 3];
        var baselineTensor = new float[baseline.ValuesPerImage];
        var probabilities = new float[head.ClassCount];

        var stages = new[] { "decode", "resize+normalise", "preprocessing", "backbone-int8", "head", "total", "baseline resize+normalise", "baseline preprocessing" };
        var times = stages.Select(_ => new List<double>(options.Frames)).ToArray();
        log($"timing {options.Frames} frames after {options.Warmup} warm-up frames …");
        for (var i = 0; i < options.Warmup + options.Frames; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var jpeg = frames[i % frames.Length];
            var t0 = Stopwatch.GetTimestamp();
            using var image = decoder.Decode(jpeg, "frame");
            var t1 = Stopwatch.GetTimestamp();
            if (!image.DangerousTryGetSinglePixelMemory(out var pixels))
            {
                throw new EdgeTransferException("The decoder returned a frame in pieces; the pipeline benchmark needs one contiguous buffer.");
            }

            var rgb = MemoryMarshal.AsBytes(pixels.Span);
            preprocessor.Preprocess(rgb, image.Width, image.Height, image.Width * 3, backbone.Input(1));
            var t3 = Stopwatch.GetTimestamp();
            backbone.Run(1);
            var t4 = Stopwatch.GetTimestamp();
            head.Predict(backbone.Output(1), probabilities);
            var t5 = Stopwatch.GetTimestamp();
            baseline.ResizeTo(rgb, image.Width, image.Height, image.Width * 3, resized);
            baseline.Normalize(resized, baselineTensor);
            var t6 = Stopwatch.GetTimestamp();
            if (i < options.Warmup)
            {
                continue;
            }

            double Ms(long a, long b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds;
            times[0].Add(Ms(t0, t1));
            times[1].Add(Ms(t1, t3));
            times[2].Add(Ms(t0, t3));
            times[3].Add(Ms(t3, t4));
            times[4].Add(Ms(t4, t5));
            times[5].Add(Ms(t0, t5));
            times[6].Add(Ms(t5, t6));
            times[7].Add(Ms(t0, t1) + Ms(t5, t6));
        }

        return new PipelineReport(
            machine,
            MachineInfo.ReadLoadAverage(),
            manifest.BundleId,
            options,
            (long)frames.Average(f => (double)f.Length),
            [.. stages.Select((s, i) => StageTiming.From(s, times[i]))]);
    }

    private static byte[][] EncodeFrames(PipelineBenchmarkOptions options)
    {
        var generator = new SyntheticPartGenerator(options.Seed);
        var side = Math.Max(options.Width, options.Height);
        var square = new byte[side * side * 3];
        var frame = new byte[options.Width * options.Height * 3];
        var encoder = new JpegEncoder { Quality = options.JpegQuality };
        var classes = SyntheticPartGenerator.DefectClasses;
        var result = new byte[options.DistinctFrames][];
        for (var i = 0; i < result.Length; i++)
        {
            // Parts are square; the camera frame is the centre crop of one, as a conveyor shot is wider than tall.
            generator.Generate(classes[i % classes.Count], i / classes.Count, side, square);
            var top = (side - options.Height) / 2;
            var left = (side - options.Width) / 2;
            for (var y = 0; y < options.Height; y++)
            {
                square.AsSpan((((top + y) * side) + left) * 3, options.Width * 3).CopyTo(frame.AsSpan(y * options.Width * 3));
            }

            using var image = Image.LoadPixelData<Rgb24>(frame, options.Width, options.Height);
            using var stream = new MemoryStream();
            image.SaveAsJpeg(stream, encoder);
            result[i] = stream.ToArray();
        }

        return result;
    }
}
