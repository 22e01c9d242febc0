using System.Globalization;
using System.Diagnostics;
using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Onnx.Tensors;
using EdgeTransfer.Preparation;
using EdgeTransfer.Quantization;
using EdgeTransfer.Quantization.Calibration;
using EdgeTransfer.Quantization.Inspection;
using EdgeTransfer.Training;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>
/// <c>edgetransfer bench backbone</c>: in one run, prepares the float backbone, calibrates and quantizes it
/// to int8 on train images, then measures both side by side — latency (interleaved, so machine noise hits
/// both), feature agreement on test images, file sizes, and the accuracy of linear heads trained on each.
/// </summary>
/// <remarks>
/// Float is the baseline of every ratio; both are measured in the same process, minutes apart at most,
/// because absolute milliseconds on a shared 2-core VM move by 2× with the neighbours' load (docs/benchmarks.md).
/// </remarks>
public static class BackboneBenchmark
{
    private const int FeatureBatch = 8;

    // Enough batch-1 inferences for stable kernel shares; the profile's first run is included (ORT cannot
    // start the profiler later), which is why this is a share, not a latency figure.
    private const int ProfileRuns = 20;

    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to measure; validated first.</param>
    /// <param name="log">Progress lines (phases, counts); may be null.</param>
    /// <param name="cancellationToken">Checked between phases and timed runs.</param>
    /// <returns>The figures and the targets of issue 3.</returns>
    /// <exception cref="InvalidSettingException">An option or the data folder cannot be used (named in the message).</exception>
    /// <exception cref="ModelFormatException">The model cannot be loaded.</exception>
    /// <exception cref="GraphException">The model cannot be prepared or quantized.</exception>
    public static BackboneReport Run(BackboneBenchmarkOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        BackboneBenchmarkOptionsValidator.Validate(options);
        log ??= _ => { };
        var machine = MachineInfo.Detect();
        var phases = new List<KeyValuePair<string, double>>();
        var clock = Stopwatch.StartNew();
        void Phase(string name)
        {
            phases.Add(new(name, clock.Elapsed.TotalSeconds));
            clock.Restart();
        }

        var (modelPath, spec) = ModelLocator.Resolve(options.ModelPath, options.SpecPath);
        using var work = new WorkDirectory();
        var images = BenchmarkImages.Open(options, CreatePreprocessor(spec), work, log);
        Phase("data");

        // 1. The float backbone, exactly as `prepare` makes it.
        log($"prepare    {modelPath}");
        var backbone = new BackbonePreparer(new BackbonePreparerOptions { CutTensor = spec.FeatureTensor }).Prepare(OnnxModelFile.Load(modelPath), modelPath);
        var featureSize = backbone.FeatureSize
            ?? throw new GraphException($"The feature tensor '{backbone.FeatureName}' of '{modelPath}' has no fixed size; cut the backbone where the features are [N,C] or [N,C,1,1].", backbone.FeatureName);
        if (backbone.InputShape.Aggregate(1L, (a, b) => a * b) != images.ValuesPerImage)
        {
            throw new InvalidSettingException("--spec", $"the spec makes images of {images.ValuesPerImage} values but the model's input '{backbone.InputName}' is [{string.Join(",", backbone.InputShape)}].");
        }

        Phase("prepare");

        // 2. Calibrate on train images only and quantize (the SDK's defaults: U8S8, per-channel, min/max).
        var calibrationEntries = images.CalibrationEntries(options.CalibrationImages);
        log($"quantize   calibrating on {calibrationEntries.Count} train images …");
        StaticQuantizationResult quantized;
        using (var calibrationSession = CalibrationSessionOptions(options.Threads))
        {
            var quantization = new QuantizationOptions { Int4MinWeightCount = options.Int4MinWeightCount, Int4Rounding = options.Int4Rounding, Int4GroupSize = options.Int4GroupSize };
            quantized = StaticQuantizer.Quantize(backbone.Model, CalibrationBatches(images, calibrationEntries, backbone.InputShape), quantization, calibrationSession, cancellationToken);
        }

        var int8Model = quantized.Quantization.Model;
        var floatPath = work.Combine("backbone.onnx");
        var int8Path = work.Combine("backbone.int8.onnx");
        OnnxModelFile.Save(backbone.Model, floatPath);
        OnnxModelFile.Save(int8Model, int8Path);
        var sizes = SizeBreakdown.Analyze(backbone.Model, int8Model, new FileInfo(floatPath).Length, new FileInfo(int8Path).Length, options.TopLayers);
        var inspected = OptimizedGraphInspector.Inspect(int8Path, work.Combine("backbone.int8.optimized.onnx"));
        var graph = new GraphCheck(inspected.IntegerConvCount, inspected.FloatConvCount, inspected.DequantizeFeedingConvCount);
        Phase("quantize");

        // 3. Features of every image from both backbones (spinning off: the SDK's setting).
        cancellationToken.ThrowIfCancellationRequested();
        log($"features   {images.Train.Entries.Count} train + {images.Test.Entries.Count} test images through float and int8 …");
        BackboneSession Open(ModelProto model, string name, bool spinning) =>
            new(model, name, backbone.InputName, backbone.FeatureName, backbone.InputShape, featureSize, options.Threads, spinning);
        Features train, test;
        float[] latencyImages;
        using (var f = Open(backbone.Model, "float", spinning: false))
        using (var q = Open(int8Model, "int8", spinning: false))
        {
            train = ExtractFeatures(images, images.Train.Entries, f, q, featureSize, keepImages: 0, out _, cancellationToken);
            test = ExtractFeatures(images, images.Test.Entries, f, q, featureSize, keepImages: options.BatchSizes.Max(), out latencyImages, cancellationToken);
        }

        var agreement = Agreement(test, featureSize);
        Phase("features");

        // 4. Latency, float and int8 interleaved, one spinning setting at a time (a spinning pool must not
        //    steal the core from the other setting's sessions).
        var latency = new List<LatencyComparison>();
        foreach (var spinning in SpinningSettings(options.Spinning))
        {
            log($"latency    spinning {(spinning ? "on" : "off")}: {options.Warmup} warm-up + {options.Runs} timed runs × batch {string.Join(",", options.BatchSizes)} …");
            using var f = Open(backbone.Model, "float", spinning);
            using var q = Open(int8Model, "int8", spinning);
            latency.AddRange(TimeInterleaved(f, q, options.BatchSizes, latencyImages, options.Warmup, options.Runs, spinning, cancellationToken));
        }

        Phase("latency");

        // 4b. Where the time goes, by operator, from ORT's profiler in separate sessions (profiling costs time,
        //     so the timed sessions above never had it on).
        var profiles = new List<OperatorProfile>();
        foreach (var (model, name) in new[] { (backbone.Model, "float"), (int8Model, "int8") })
        {
            using var session = new BackboneSession(model, name, backbone.InputName, backbone.FeatureName, backbone.InputShape, featureSize, options.Threads, spinning: false, work.Combine("profile-" + name));
            latencyImages.AsSpan(0, session.ValuesPerImage).CopyTo(session.Input(1));
            for (var r = 0; r < ProfileRuns; r++)
            {
                session.Run(1);
            }

            profiles.Add(OperatorProfile.Parse(name, File.ReadAllText(session.EndProfiling()), ProfileRuns));
        }

        Phase("profile");

        // 5. The question that matters to the device: does a head learn as well from int8 features?
        log($"heads      linear head on float and on int8 features, {options.HeadEpochs} epochs …");
        var classCount = images.Classes.Count;
        var (floatAccuracy, floatLoss) = LinearHeadProbe.TrainAndEvaluate(train.FloatSet(featureSize), test.FloatSet(featureSize), classCount, options.HeadEpochs, options.HeadLearningRate, options.Seed);
        var (int8Accuracy, int8Loss) = LinearHeadProbe.TrainAndEvaluate(train.Int8Set(featureSize), test.Int8Set(featureSize), classCount, options.HeadEpochs, options.HeadLearningRate, options.Seed);
        Phase("heads");

        return new BackboneReport
        {
            Machine = machine,
            LoadAverageAtEnd = MachineInfo.ReadLoadAverage(),
            Model = modelPath,
            Data = images.Description,
            Classes = images.Classes,
            TrainImages = train.Labels.Count,
            TestImages = test.Labels.Count,
            SkippedImages = images.Skipped,
            CalibrationImages = quantized.Calibration.ImagesUsed,
            CalibrationMethod = quantized.Calibration.Method.ToString(),
            Int4Weights = quantized.Quantization.Report.Int4Weights.Count == 0 ? "none"
                : string.Create(CultureInfo.InvariantCulture, $"{quantized.Quantization.Report.Int4Weights.Count} Conv weights of ≥ {options.Int4MinWeightCount} values ({options.Int4Rounding}{(options.Int4GroupSize > 0 ? $", groups of {options.Int4GroupSize}" : string.Empty)})"),
            Threads = options.Threads,
            Runs = options.Runs,
            Warmup = options.Warmup,
            PhaseSeconds = phases,
            Latency = latency,
            Profiles = profiles,
            Agreement = agreement,
            Heads = new HeadAccuracy(train.Labels.Count, test.Labels.Count, options.HeadEpochs, floatAccuracy, int8Accuracy, floatLoss, int8Loss),
            Sizes = sizes,
            Graph = graph,
        };
    }

    private static ImagePreprocessor CreatePreprocessor(PreprocessingSpec spec)
    {
        var input = spec.Input;
        if (input.Mean.Image is { } image)
        {
            // The ResNet18 spec keeps its mean image in an initializer of ResNetPreprocess.onnx (B,G,R planes,
            // the model's own order), as BundlePreparer reads it for the bundle.
            var path = spec.ResolveMeanImageModelPath()!;
            var tensor = OnnxModelFile.Load(path).Graph.Initializer.FirstOrDefault(t => t.Name == image.Initializer)
                ?? throw new InvalidSettingException($"spec '{spec.Name}': input.mean.image.initializer", $"'{path}' has no initializer '{image.Initializer}'.");
            return new ImagePreprocessor(input, TensorProtos.ToFloats(tensor));
        }

        return ImagePreprocessor.Create(spec);
    }

    private static SessionOptions CalibrationSessionOptions(int threads)
    {
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private static IEnumerable<CalibrationBatch> CalibrationBatches(BenchmarkImages images, IReadOnlyList<ImageFolderEntry> entries, IReadOnlyList<long> imageShape)
    {
        var buffer = new float[FeatureBatch * images.ValuesPerImage];
        foreach (var (count, _) in images.Batches(entries, FeatureBatch, buffer))
        {
            // A copy per batch: the calibrator may look at a batch after asking for the next.
            yield return new CalibrationBatch(buffer.AsSpan(0, count * images.ValuesPerImage).ToArray(), [count, .. imageShape]);
        }
    }

    private static Features ExtractFeatures(
        BenchmarkImages images,
        IReadOnlyList<ImageFolderEntry> entries,
        BackboneSession f,
        BackboneSession q,
        int featureSize,
        int keepImages,
        out float[] kept,
        CancellationToken cancellationToken)
    {
        var values = images.ValuesPerImage;
        var buffer = new float[FeatureBatch * values];
        var result = new Features();
        kept = new float[keepImages * values];
        var keptCount = 0;
        foreach (var (count, batch) in images.Batches(entries, FeatureBatch, buffer))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var input = buffer.AsSpan(0, count * values);
            input.CopyTo(f.Input(count));
            input.CopyTo(q.Input(count));
            f.Run(count);
            q.Run(count);
            result.Float.AddRange(f.Output(count).ToArray());
            result.Int8.AddRange(q.Output(count).ToArray());
            result.Labels.AddRange(batch.Select(images.Label));
            for (var i = 0; i < count && keptCount < keepImages; i++, keptCount++)
            {
                input.Slice(i * values, values).CopyTo(kept.AsSpan(keptCount * values));
            }
        }

        if (result.Labels.Count == 0)
        {
            throw new InvalidSettingException("--data", "not one image of a split could be decoded.");
        }

        // Fewer test images than the largest batch: repeat them, so every batch holds real images.
        for (var i = keptCount; i < keepImages && keptCount > 0; i++)
        {
            kept.AsSpan((i % keptCount) * values, values).CopyTo(kept.AsSpan(i * values));
        }

        return result;
    }

    private static FeatureAgreement Agreement(Features test, int featureSize)
    {
        var f = test.Float.ToArray();
        var q = test.Int8.ToArray();
        var cosines = Enumerable.Range(0, test.Labels.Count)
            .Select(i => FeatureAgreement.Cosine(f.AsSpan(i * featureSize, featureSize), q.AsSpan(i * featureSize, featureSize)))
            .ToList();
        return new FeatureAgreement(cosines.Count, cosines.Average(), cosines.Min());
    }

    private static IEnumerable<bool> SpinningSettings(SpinningMode mode) => mode switch
    {
        SpinningMode.Off => [false],
        SpinningMode.On => [true],
        _ => [false, true],
    };

    private static List<LatencyComparison> TimeInterleaved(
        BackboneSession f,
        BackboneSession q,
        IReadOnlyList<int> batchSizes,
        float[] images,
        int warmup,
        int runs,
        bool spinning,
        CancellationToken cancellationToken)
    {
        foreach (var b in batchSizes)
        {
            images.AsSpan(0, b * f.ValuesPerImage).CopyTo(f.Input(b));
            images.AsSpan(0, b * q.ValuesPerImage).CopyTo(q.Input(b));
        }

        // The cells in the order of one round: float and int8 alternate at every batch size.
        var cells = batchSizes.SelectMany(b => new[] { (Session: f, Batch: b), (Session: q, Batch: b) }).ToArray();
        var times = cells.Select(_ => new double[runs]).ToArray();
        for (var w = 0; w < warmup; w++)
        {
            foreach (var (session, batch) in cells)
            {
                session.Run(batch);
            }
        }

        for (var r = 0; r < runs; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Odd rounds run backwards (ABBA), so neither backbone always follows the other.
            for (var k = 0; k < cells.Length; k++)
            {
                var c = r % 2 == 0 ? k : cells.Length - 1 - k;
                var (session, batch) = cells[c];
                var start = Stopwatch.GetTimestamp();
                session.Run(batch);
                times[c][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / batch;
            }
        }

        return [.. batchSizes.Select((b, i) => new LatencyComparison(spinning, b, TimingStatistics.From(times[2 * i]), TimingStatistics.From(times[(2 * i) + 1])))];
    }

    private sealed class Features
    {
        public List<float> Float { get; } = [];

        public List<float> Int8 { get; } = [];

        public List<long> Labels { get; } = [];

        public FeatureSet FloatSet(int featureSize) => new([.. Float], [.. Labels], featureSize);

        public FeatureSet Int8Set(int featureSize) => new([.. Int8], [.. Labels], featureSize);
    }
}
