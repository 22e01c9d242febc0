using System.Diagnostics;
using System.Globalization;
using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Fits an anomaly model from good samples alone: a seeded share of them is held out, the others' patch
/// embeddings are reduced by a greedy coreset to a memory bank within the byte budget, and the held-out
/// samples' scores set the threshold for the target false-reject rate. Labelled defects, when given, are
/// only scored, to report image AUROC and the F1-best threshold.
/// </summary>
public sealed class AnomalyFitter
{
    private readonly AnomalyFitOptions _options;

    /// <summary>Creates a fitter.</summary>
    /// <param name="options">The options; the defaults when null.</param>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public AnomalyFitter(AnomalyFitOptions? options = null)
    {
        _options = options ?? new AnomalyFitOptions();
        _options.Validate();
    }

    /// <summary>Fits a model on <paramref name="samples"/>.</summary>
    /// <param name="samples">Stored samples: good ones build the model, labelled defects only measure it.</param>
    /// <param name="progress">Told at each sample embedded or scored and at the start and end of the coreset; may be null.</param>
    /// <param name="cancellationToken">Stops the fit; nothing is returned then.</param>
    /// <exception cref="TrainingException">No samples, only defects, or too few good samples.</exception>
    /// <exception cref="FeatureLayoutException">A sample's maps differ in shape from the first sample's.</exception>
    public AnomalyFitResult Fit(IReadOnlyList<AnomalySample> samples, IProgress<AnomalyFitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var good = new List<AnomalyFeatures>();
        var defects = new List<AnomalyFeatures>();
        foreach (var sample in samples)
        {
            (sample.IsDefect ? defects : good).Add(sample.Features);
        }

        CheckCounts(samples.Count, good.Count, defects.Count);
        var layout = samples[0].Features.Layout;
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].Features.Layout != layout)
            {
                throw new FeatureLayoutException(layout, samples[i].Features.Layout, string.Create(CultureInfo.InvariantCulture, $"sample {i} (of {samples.Count}; sample 0 sets the shapes)"));
            }
        }

        var (train, heldOut) = Split(good);
        var seed = (ulong)_options.Seed;
        var projection = _options.ProjectionDimensions > 0 && _options.ProjectionDimensions < layout.EmbeddingDimensions
            ? new RandomProjection(layout.EmbeddingDimensions, _options.ProjectionDimensions, seed)
            : null;
        var embedder = new PatchEmbedder(layout, projection);

        var clock = Stopwatch.StartNew();
        var stride = embedder.Patches * embedder.Dimensions;
        var embeddings = new float[(long)train.Count * stride];
        for (var i = 0; i < train.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            embedder.Embed(train[i], embeddings.AsSpan(i * stride, stride));
            progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Embedding, i + 1, train.Count));
        }

        var embedTime = clock.Elapsed;
        clock.Restart();
        var patches = train.Count * embedder.Patches;
        var budget = _options.CoresetBudget(patches, embedder.Dimensions);
        progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Coreset, 0, 1));
        var chosen = CoresetSampler.Select(embeddings, patches, embedder.Dimensions, budget, seed, _options.SamplingDimensions, cancellationToken);
        var bank = MemoryBank.FromRows(embeddings, embedder.Dimensions, chosen);
        var coresetTime = clock.Elapsed;
        progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Coreset, 1, 1));
        clock.Restart();

        // The threshold is set on samples the bank has never seen, so it reflects new good parts; the same
        // samples give the position scale (each scored against the scale of the others).
        var search = new VectorisedNearestNeighbour(bank, _options.Threads);
        var scored = new Progress(progress, heldOut.Count + defects.Count);
        var heldOutMaps = Maps(embedder, search, heldOut, scored, cancellationToken);
        var defectMaps = Maps(embedder, search, defects, scored, cancellationToken);
        var scale = _options.PositionScale && heldOut.Count >= PositionScaleCalibrator.MinSamples ? PositionScaleCalibrator.Scale(heldOutMaps) : null;
        var heldOutScores = scale is null
            ? [.. heldOutMaps.Select(m => AnomalyScorer.ImageScore(m, default))]
            : PositionScaleCalibrator.LeaveOneOutScores(heldOutMaps);
        float[] defectScores = [.. defectMaps.Select(m => AnomalyScorer.ImageScore(m, scale))];
        var threshold = ThresholdCalibrator.Calibrate(heldOutScores, _options.TargetFalseRejectRate) with { PositionScale = scale };
        double? auroc = null;
        F1Point? bestF1 = null;
        if (defectScores.Length > 0)
        {
            var scores = heldOutScores.Concat(defectScores).ToArray();
            var labels = scores.Select((_, i) => i >= heldOutScores.Length).ToArray();
            auroc = AnomalyMetrics.Auroc(scores, labels);
            bestF1 = AnomalyMetrics.BestF1(scores, labels);
        }

        var calibrationTime = clock.Elapsed;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["trainSamples"] = train.Count.ToString(CultureInfo.InvariantCulture),
            ["trainPatches"] = patches.ToString(CultureInfo.InvariantCulture),
            ["coresetRatio"] = _options.CoresetRatio.ToString("R", CultureInfo.InvariantCulture),
            ["coresetRows"] = budget.ToString(CultureInfo.InvariantCulture),
            ["seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
            ["positionScale"] = scale is null ? "none" : "held-out mean",
        };
        return new AnomalyFitResult
        {
            Model = new AnomalyModel(layout, projection, bank, threshold, metadata),
            TrainSamples = train.Count,
            HeldOutSamples = heldOut.Count,
            DefectSamples = defects.Count,
            TrainPatches = patches,
            HeldOut = heldOut,
            Defects = defects,
            HeldOutScores = heldOutScores,
            DefectScores = defectScores,
            ImageAuroc = auroc,
            BestF1 = bestF1,
            EmbedTime = embedTime,
            CoresetTime = coresetTime,
            CalibrationTime = calibrationTime,
        };
    }

    private void CheckCounts(int total, int good, int defects)
    {
        var min = _options.MinGoodSamples;
        if (total == 0)
        {
            throw new TrainingException($"There are no samples to fit the anomaly model on. Store at least {min} good parts first.");
        }

        if (good == 0)
        {
            throw new TrainingException($"All {defects} samples are labelled defects; the anomaly model is fitted on good parts only. Store at least {min} good parts.");
        }

        if (good < min)
        {
            throw new TrainingException($"There are only {good} good samples; the anomaly model needs at least {min} (most build the memory bank, a share is held out to set the threshold). Store more good parts.");
        }
    }

    private (List<AnomalyFeatures> Train, List<AnomalyFeatures> HeldOut) Split(List<AnomalyFeatures> good)
    {
        // A seeded Fisher–Yates shuffle, so which parts are held out does not depend on storage order.
        var order = Enumerable.Range(0, good.Count).ToArray();
        var random = new SplitMix64(SplitMix64.Mix((ulong)_options.Seed, 0x4845_4C44UL));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var heldOut = Math.Clamp((int)Math.Round(_options.HeldOutShare * good.Count), 1, good.Count - 1);
        return ([.. order.Skip(heldOut).Select(i => good[i])], [.. order.Take(heldOut).Select(i => good[i])]);
    }

    // Each sample's patch distances to the bank, before any position scale.
    private static List<float[]> Maps(PatchEmbedder embedder, VectorisedNearestNeighbour search, List<AnomalyFeatures> samples, Progress progress, CancellationToken cancellationToken)
    {
        var embeddings = new float[embedder.Patches * embedder.Dimensions];
        var maps = new List<float[]>(samples.Count);
        foreach (var sample in samples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var map = new float[embedder.Patches];
            embedder.Embed(sample, embeddings);
            search.NearestDistances(embeddings, embedder.Patches, map);
            maps.Add(map);
            progress.Step();
        }

        return maps;
    }

    // Counts the calibration step's samples across the held-out and defect lists.
    private sealed class Progress(IProgress<AnomalyFitProgress>? target, int total)
    {
        private int _done;

        public void Step() => target?.Report(new AnomalyFitProgress(AnomalyFitStage.Calibrating, ++_done, total));
    }
}
