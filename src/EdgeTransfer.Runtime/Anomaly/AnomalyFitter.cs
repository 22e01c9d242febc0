using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Fits an anomaly model from good samples alone: a seeded share of them is held out, the others' patch
/// embeddings are reduced by a greedy coreset to a memory bank within the byte budget, and the held-out
/// samples' scores set the threshold for the target false-reject rate. With few good samples (a share that would
/// hold out fewer than <see cref="PositionScaleCalibrator.MinSamples"/>) none is held out: all build the bank and
/// each is scored against a bank of the others instead. Labelled defects, when given, are only scored, to report
/// image AUROC and the F1-best threshold.
/// </summary>
public sealed class AnomalyFitter
{
    /// <summary>The model metadata key that says how the threshold was calibrated.</summary>
    internal const string CalibrationKey = "calibration";

    /// <summary>Its value for a fit that scored each part against a bank of the others.</summary>
    internal const string LeaveOneOutCalibrationName = "leave-one-out";

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
    /// <exception cref="TrainingException">No samples, only defects, too few good samples, too few different ones once copies of others are set aside (naming the first copies, good samples numbered from 0), or feature maps that are not finite.</exception>
    /// <exception cref="FeatureLayoutException">A sample's maps differ in shape from the first sample's.</exception>
    public AnomalyFitResult Fit(IReadOnlyList<AnomalySample> samples, IProgress<AnomalyFitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var good = samples.Count(s => !s.IsDefect);
        CheckCounts(samples.Count, good, samples.Count - good);
        var layout = samples[0].Features.Layout;
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].Features.Layout != layout)
            {
                throw new FeatureLayoutException(layout, samples[i].Features.Layout, string.Create(CultureInfo.InvariantCulture, $"sample {i} (of {samples.Count}; sample 0 sets the shapes)"));
            }
        }

        return Fit(good, samples, progress, perSampleProgress: true, sampleName: null, cancellationToken);
    }

    /// <summary>
    /// Fits a model on samples that arrive one at a time (for example straight from the backbone): the good samples
    /// that go into the bank are embedded as they arrive and their maps are not kept, so a fit from many parts holds
    /// one half-precision embedding per training part (a third of the size of its maps), the maps of the held-out
    /// parts and those of the last three bank parts (to make the held-out share up when gaps left it short). Gives the same model as <see cref="Fit(IReadOnlyList{AnomalySample}, IProgress{AnomalyFitProgress}?, CancellationToken)"/>
    /// on the same samples in the same order.
    /// </summary>
    /// <param name="goodCount">How many good samples the sequence holds: the held-out split is drawn from it before the first arrives. Fewer may arrive (an image that could not be read), and copies of earlier ones are set aside; more may not. When the missing ones leave fewer than <see cref="PositionScaleCalibrator.MinSamples"/> held out, a fit from fewer than 13 parts that arrived calibrates leave-one-out as with few parts, and a fit from more moves the last bank parts to the held-out share (a fit where no bank part arrived is refused then).</param>
    /// <param name="samples">The samples, read once, in order. A sample's maps need only stay valid until the next sample is requested (a reader may reuse its buffers): the fitter copies the maps it keeps.</param>
    /// <param name="progress">Told when the embedding is done, at the start and end of the coreset and at each sample scored; may be null.</param>
    /// <param name="cancellationToken">Stops the fit; nothing is returned then.</param>
    /// <exception cref="TrainingException">No samples, only defects, too few good samples, too few different ones once copies are set aside, feature maps that are not finite, or no part for the bank arrived.</exception>
    /// <exception cref="FeatureLayoutException">A sample's maps differ in shape from the first sample's.</exception>
    /// <exception cref="ArgumentException">More good samples arrived than <paramref name="goodCount"/>.</exception>
    public AnomalyFitResult Fit(int goodCount, IEnumerable<AnomalySample> samples, IProgress<AnomalyFitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(goodCount, samples, progress, perSampleProgress: false, sampleName: null, cancellationToken);

    /// <summary>As the streaming fit, with the good samples named in its messages (a file name) instead of numbered.</summary>
    /// <param name="goodCount">How many good samples the sequence holds.</param>
    /// <param name="samples">The samples, read once, in order.</param>
    /// <param name="sampleName">The name of the good sample that arrived k-th (from 0); asked for only once the stream is read.</param>
    /// <param name="progress">Told when the embedding is done and per fit step; may be null.</param>
    /// <param name="cancellationToken">Stops the fit.</param>
    internal AnomalyFitResult Fit(int goodCount, IEnumerable<AnomalySample> samples, Func<int, string> sampleName, IProgress<AnomalyFitProgress>? progress, CancellationToken cancellationToken) =>
        Fit(goodCount, samples, progress, perSampleProgress: false, sampleName, cancellationToken);

    // A stream usually comes from a reader that reports its own progress per image: the embedding is then reported
    // once, when it is done, so that the two stages' reports do not alternate.
    private AnomalyFitResult Fit(int goodCount, IEnumerable<AnomalySample> samples, IProgress<AnomalyFitProgress>? progress, bool perSampleProgress, Func<int, string>? sampleName, CancellationToken cancellationToken)
    {
        var name = sampleName ?? (k => string.Create(CultureInfo.InvariantCulture, $"good sample {k}"));
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegative(goodCount);
        if (goodCount < _options.MinGoodSamples)
        {
            CheckCounts(goodCount, goodCount, 0);
        }

        var slots = SplitSlots(goodCount);
        var heldOutSlots = new AnomalyFeatures?[slots.HeldOut];
        var trainFilled = new bool[goodCount - slots.HeldOut];
        var defects = new List<AnomalyFeatures>();
        FeatureLayout? layout = null;
        RandomProjection? projection = null;
        PatchEmbedder? embedder = null;
        // The bank parts' embeddings in half precision: they are the fit's largest buffer (80 parts × 784 patches × 128
        // dimensions), and a coreset pick and a nearest distance lose nothing measurable to an 11-bit mantissa.
        Half[] embeddings = [];
        float[] scratch = [];
        var stride = 0;
        var (seen, goodSeen, embedded) = (0, 0, 0);
        var copies = new CopyDetector();
        var copied = new List<(int Sample, int Of)>();
        // The maps of the last bank parts embedded: when unreadable images or copies leave the held-out share of a fit
        // from many parts short, these move from the bank to it. The oldest entry's arrays take the next part's maps.
        var reserve = new Queue<(int Slot, float[] Stage2, float[] Stage3)>();
        var embedClock = new Stopwatch();
        foreach (var sample in samples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (layout is null)
            {
                layout = sample.Features.Layout;
                projection = _options.ProjectionDimensions > 0 && _options.ProjectionDimensions < layout.Value.EmbeddingDimensions
                    ? new RandomProjection(layout.Value.EmbeddingDimensions, _options.ProjectionDimensions, (ulong)_options.Seed)
                    : null;
                embedder = new PatchEmbedder(layout.Value, projection);
                stride = embedder.Patches * embedder.Dimensions;
                embeddings = new Half[(long)trainFilled.Length * stride];
                scratch = new float[stride];
            }
            else if (sample.Features.Layout != layout)
            {
                throw new FeatureLayoutException(layout.Value, sample.Features.Layout, string.Create(CultureInfo.InvariantCulture, $"sample {seen} (sample 0 sets the shapes)"));
            }

            // A NaN would pass every comparison after it unnoticed (copies, distances, the threshold).
            if (!IsFinite(sample.Features))
            {
                throw new TrainingException($"The feature maps of {(sample.IsDefect ? string.Create(CultureInfo.InvariantCulture, $"defect sample {defects.Count}") : name(goodSeen))} are not finite numbers (NaN or infinity): the backbone's output is broken (check the bundle and the images); the model in service is unchanged.");
            }

            seen++;
            if (sample.IsDefect)
            {
                defects.Add(Keep(sample.Features));
                continue;
            }

            if (goodSeen == goodCount)
            {
                throw new ArgumentException($"More good samples arrived than the {goodCount} announced; give the count of good samples the sequence holds.", nameof(samples));
            }

            // A copy is set aside like an image that could not be read: its slot stays empty.
            var arrival = goodSeen++;
            if (copies.CopyOf(sample.Features, arrival) is { } original)
            {
                copied.Add((arrival, original));
                continue;
            }

            var slot = slots.Of[arrival];
            if (slot < 0)
            {
                heldOutSlots[~slot] = Keep(sample.Features);
                continue;
            }

            // A bank part's maps are not needed again once embedded: only its embedding is kept.
            embedClock.Start();
            HalfEmbeddings.Embed(embedder!, sample.Features, scratch, embeddings.AsSpan(slot * stride, stride), name(arrival));
            embedClock.Stop();
            trainFilled[slot] = true;
            if (!slots.CrossFit)
            {
                var (stage2, stage3) = reserve.Count == PositionScaleCalibrator.MinSamples
                    ? (reserve.Peek().Stage2, reserve.Dequeue().Stage3)
                    : (new float[sample.Features.Stage2.Values.Length], new float[sample.Features.Stage3.Values.Length]);
                sample.Features.Stage2.Values.Span.CopyTo(stage2);
                sample.Features.Stage3.Values.Span.CopyTo(stage3);
                reserve.Enqueue((slot, stage2, stage3));
            }

            embedded++;
            if (perSampleProgress)
            {
                progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Embedding, embedded, trainFilled.Length));
            }
        }

        CheckCounts(seen, goodSeen, defects.Count, goodCount);
        CheckDistinct(goodSeen, copied, name);
        List<AnomalyFeatures> heldOut = [.. heldOutSlots.Where(f => f.HasValue).Select(f => f!.Value)];
        var crossFit = slots.CrossFit;
        var arrived = embedded + heldOut.Count;
        if (!crossFit && heldOut.Count < PositionScaleCalibrator.MinSamples && !SplitSlots(arrived).CrossFit)
        {
            // So many parts arrived that they would have held some out: the last bank parts make up the held-out share.
            foreach (var (slot, stage2, stage3) in reserve.Reverse().Take(PositionScaleCalibrator.MinSamples - heldOut.Count).ToList())
            {
                trainFilled[slot] = false;
                heldOut.Add(new AnomalyFeatures(new FeatureMap(stage2, layout!.Value.Stage2), new FeatureMap(stage3, layout.Value.Stage3)));
            }
        }

        var trainCount = HalfEmbeddings.Compact(embeddings, stride, trainFilled);
        if (!crossFit && (trainCount == 0 || heldOut.Count < PositionScaleCalibrator.MinSamples))
        {
            // Announced parts that never arrived (unreadable images) or were copies left the bank or the held-out share
            // too small for the split the count promised. So few parts that arrived would have been a few-part fit had
            // only they been announced, and calibrate as one. More would have held some out: a short held-out share was
            // made up from the bank above (going on with fewer than the position scale needs gave thresholds 30 times
            // too high), so only an empty bank is left to stop the fit here.
            if (arrived < 2 || !SplitSlots(arrived).CrossFit)
            {
                var missing = goodCount - goodSeen;
                var lost = (missing, copied.Count) switch
                {
                    (_, 0) => $"{missing} did not arrive (unreadable images)",
                    (0, var c) => $"{CopiesOfOthers(c, "was", "were")} ({Examples(copied, name)})",
                    var (m, c) => $"{m} did not arrive (unreadable images) and {CopiesOfOthers(c, "was", "were")} ({Examples(copied, name)})",
                };
                var mend = (missing, copied.Count) switch
                {
                    (_, 0) => "Remove or replace the unreadable images",
                    (0, _) => "Remove the copies",
                    _ => "Remove the copies and replace the unreadable images",
                };
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Of the {goodCount} good samples announced, {lost}, which leaves {(trainCount == 0 ? "none for the memory bank" : $"{heldOut.Count} of the {slots.HeldOut} held out for the threshold, fewer than the {PositionScaleCalibrator.MinSamples} it needs")}. {mend} and fit again; the model in service is unchanged."));
            }

            embedClock.Start();
            embeddings = HalfEmbeddings.WithHeldOut(embeddings, trainCount, heldOut, embedder!, scratch);
            embedClock.Stop();
            (trainCount, heldOut, crossFit) = (arrived, [], true);
        }

        if (!perSampleProgress)
        {
            progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Embedding, trainCount, trainCount));
        }

        var copiesNamed = copied.Select(c => (name(c.Sample), name(c.Of))).ToList();
        return Finish(layout!.Value, projection, embedder!, embeddings, trainCount, heldOut, crossFit, defects, copiesNamed, embedClock.Elapsed, progress, cancellationToken);
    }

    private AnomalyFitResult Finish(FeatureLayout layout, RandomProjection? projection, PatchEmbedder embedder, Half[] embeddings, int trainCount, List<AnomalyFeatures> heldOut, bool crossFit, List<AnomalyFeatures> defects, List<(string Sample, string Of)> copies, TimeSpan embedTime, IProgress<AnomalyFitProgress>? progress, CancellationToken cancellationToken)
    {
        var seed = (ulong)_options.Seed;
        var clock = Stopwatch.StartNew();
        var patches = trainCount * embedder.Patches;
        var budget = _options.CoresetBudget(patches, embedder.Dimensions);
        progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Coreset, 0, 1));
        var chosen = CoresetSampler.Select((ReadOnlySpan<Half>)embeddings.AsSpan(0, patches * embedder.Dimensions), patches, embedder.Dimensions, budget, seed, _options.SamplingDimensions, _options.Threads, cancellationToken);
        var bank = MemoryBank.FromRows((ReadOnlySpan<Half>)embeddings, embedder.Dimensions, chosen);
        var coresetTime = clock.Elapsed;
        progress?.Report(new AnomalyFitProgress(AnomalyFitStage.Coreset, 1, 1));
        clock.Restart();

        // The threshold is set on samples the bank has never seen, so it reflects new good parts; the same
        // samples give the position scale (each scored against the scale of the others). With few parts, each part
        // scored against a bank of the others stands in for a held-out part.
        var search = new VectorisedNearestNeighbour(bank, _options.Threads);
        var scored = new Progress(progress, (crossFit ? trainCount : heldOut.Count) + defects.Count);
        var heldOutMaps = crossFit
            ? LeaveOneOutCalibration.Maps(embeddings, trainCount, embedder, _options, scored.Step, cancellationToken)
            : Maps(embedder, search, heldOut, scored, cancellationToken);
        var defectMaps = Maps(embedder, search, defects, scored, cancellationToken);
        var prior = crossFit ? PositionScaleCalibrator.FewPartsPrior : 0;
        var scale = _options.PositionScale && heldOutMaps.Count >= PositionScaleCalibrator.MinSamples ? PositionScaleCalibrator.Scale(heldOutMaps, prior) : null;
        var heldOutScores = scale is null
            ? [.. heldOutMaps.Select(m => AnomalyScorer.ImageScore(m, default))]
            : PositionScaleCalibrator.LeaveOneOutScores(heldOutMaps, prior);
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
            ["trainSamples"] = trainCount.ToString(CultureInfo.InvariantCulture),
            ["trainPatches"] = patches.ToString(CultureInfo.InvariantCulture),
            ["coresetRatio"] = _options.CoresetRatio.ToString("R", CultureInfo.InvariantCulture),
            ["coresetRows"] = budget.ToString(CultureInfo.InvariantCulture),
            ["seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
            ["positionScale"] = scale is null ? "none" : crossFit ? "left-out mean, shrunk towards the average" : "held-out mean",
            [CalibrationKey] = crossFit ? LeaveOneOutCalibrationName : "held-out",
            ["copiesSetAside"] = copies.Count.ToString(CultureInfo.InvariantCulture),
        };
        return new AnomalyFitResult
        {
            Model = new AnomalyModel(layout, projection, bank, threshold, metadata),
            TrainSamples = trainCount,
            HeldOutSamples = heldOut.Count,
            DefectSamples = defects.Count,
            CopiesNamed = copies,
            TrainPatches = patches,
            HeldOut = heldOut,
            Defects = defects,
            HeldOutScores = heldOutScores,
            LeaveOneOut = crossFit,
            DefectScores = defectScores,
            ImageAuroc = auroc,
            BestF1 = bestF1,
            EmbedTime = embedTime,
            CoresetTime = coresetTime,
            CalibrationTime = calibrationTime,
        };
    }

    /// <summary>
    /// Set in <see cref="Exception.Data"/> of the error for too few good samples (the count that arrived), so that a host
    /// whose minimum comes from its own setting can say so instead.
    /// </summary>
    internal const string TooFewGoodSamplesKey = "EdgeTransfer.GoodSamples";

    /// <summary>
    /// Set in <see cref="Exception.Data"/> of the error for too few different good samples (how many were copies), so
    /// that a host whose minimum comes from its own setting can say so.
    /// </summary>
    internal const string CopiesKey = "EdgeTransfer.Copies";

    /// <summary>Set beside <see cref="CopiesKey"/>: how many good samples arrived, copies included.</summary>
    internal const string ArrivedKey = "EdgeTransfer.GoodSamplesArrived";

    /// <summary>Set beside <see cref="CopiesKey"/>: the first copies, named ("b.png copies a.png, …").</summary>
    internal const string CopyExamplesKey = "EdgeTransfer.CopyExamples";

    // Copies are set aside, so a minimum counts different parts: a folder of one image copied, or of identical blank images, is
    // refused instead of fitting a model that rejects every normal variation of a real part.
    private void CheckDistinct(int good, List<(int Sample, int Of)> copied, Func<int, string> name)
    {
        var (min, distinct) = (_options.MinGoodSamples, good - copied.Count);
        if (distinct >= min)
        {
            return;
        }

        var error = new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Of the {good} good samples, {CopiesOfOthers(copied.Count, "is", "are")} ({Examples(copied, name)}): {(distinct == 1 ? "1 different part" : $"{distinct} different parts")}, fewer than the {min} the anomaly model needs. A copy (the same file again, a camera handing over the same frame, identical blank images) adds nothing to the model and would put the threshold near zero. Fit from images of different good parts; the model in service is unchanged."));
        error.Data[CopiesKey] = copied.Count;
        error.Data[ArrivedKey] = good;
        error.Data[CopyExamplesKey] = Examples(copied, name);
        throw error;
    }

    private static bool IsFinite(AnomalyFeatures features) =>
        TensorPrimitives.MaxMagnitude(features.Stage2.Values.Span) <= float.MaxValue
        && TensorPrimitives.MaxMagnitude(features.Stage3.Values.Span) <= float.MaxValue;

    /// <summary>"1 is a copy of another" or "3 are copies of others", with the verb given for each.</summary>
    internal static string CopiesOfOthers(int copies, string one, string many) =>
        copies == 1 ? $"1 {one} a copy of another" : string.Create(CultureInfo.InvariantCulture, $"{copies} {many} copies of others");

    private static string Examples(List<(int Sample, int Of)> copied, Func<int, string> name) =>
        string.Join(", ", copied.Take(3).Select(c => $"{name(c.Sample)} copies {name(c.Of)}")) + (copied.Count > 3 ? ", …" : "");

    // announced: the good samples a stream said it would hold, when more than arrived (unreadable images).
    private void CheckCounts(int total, int good, int defects, int announced = 0)
    {
        var min = _options.MinGoodSamples;
        if (good >= min)
        {
            return;
        }

        var error = new TrainingException(
            announced > good ? $"Of the {announced} good samples announced, only {good} arrived (the others were unreadable images); the anomaly model needs at least {min}. Replace the unreadable images or add more good parts."
            : total == 0 ? $"There are no samples to fit the anomaly model on. Store at least {min} good parts first."
            : good == 0 ? $"All {defects} samples are labelled defects; the anomaly model is fitted on good parts only. Store at least {min} good parts."
            : $"There are only {good} good samples; the anomaly model needs at least {min} (they build the memory bank, and a share held out, or with few parts each part against the others, sets the threshold). Store more good parts.");
        error.Data[TooFewGoodSamplesKey] = good;
        throw error;
    }

    // Where each good sample goes, by arrival: slot k ≥ 0 of the bank's parts, or ~k for held-out slot k. A seeded
    // Fisher–Yates shuffle of the arrival indices decides, so which parts are held out does not depend on storage order.
    // When the share would hold out fewer parts than the position scale needs, none is held out: every part goes into
    // the bank in arrival order and the fit cross-fits instead (LeaveOneOutCalibration).
    private (int[] Of, int HeldOut, bool CrossFit) SplitSlots(int goodCount)
    {
        var heldOut = Math.Clamp((int)Math.Round(_options.HeldOutShare * goodCount), 1, Math.Max(1, goodCount - 1));
        if (heldOut < PositionScaleCalibrator.MinSamples)
        {
            return ([.. Enumerable.Range(0, goodCount)], 0, true);
        }

        var order = Enumerable.Range(0, goodCount).ToArray();
        var random = new SplitMix64(SplitMix64.Mix((ulong)_options.Seed, 0x4845_4C44UL));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var slotOf = new int[goodCount];
        for (var position = 0; position < goodCount; position++)
        {
            slotOf[order[position]] = position < heldOut ? ~position : position - heldOut;
        }

        return (slotOf, heldOut, false);
    }

    // A copy of maps that outlive the sample (the held-out parts and the defects are scored after the last sample).
    private static AnomalyFeatures Keep(AnomalyFeatures features) => new(
        new FeatureMap(features.Stage2.Values.ToArray(), features.Stage2.Shape),
        new FeatureMap(features.Stage3.Values.ToArray(), features.Stage3.Shape));

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
