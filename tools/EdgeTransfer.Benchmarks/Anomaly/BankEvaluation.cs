using System.Diagnostics;
using EdgeTransfer.Runtime.Anomaly;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>
/// Fits one bank configuration on the first k good images of a category and measures it on the test images:
/// image and pixel AUROC, F1 and false rejects at the fitted threshold, fit and scoring time.
/// </summary>
/// <remarks>
/// From 2 good images on, the fit is the device's own (<see cref="AnomalyFitter"/>: a share held out for the
/// threshold, or with few images each scored against a bank of the others). One good image cannot give a threshold
/// (there is no other to score it against), so for k = 1 the bank is built from that image the way the fitter builds it (same projection, coreset and
/// seed) and only the threshold-free figures (AUROC, timing) are reported.
/// </remarks>
internal static class BankEvaluation
{
    public static AnomalyRunResult Evaluate(string backbone, BankConfiguration configuration, string category, int shots, CategoryFeatures features, int threads, int mapSize, Func<AnomalyModel, IPatchDistances>? graph, CancellationToken cancellationToken)
    {
        var k = Math.Min(shots, features.Train.Count);
        var good = features.Train.Take(k).ToArray();
        AnomalyThreshold? threshold = null;
        AnomalyModel? model = null;
        PatchEmbedder embedder;
        MemoryBank bank;
        int bankImages;
        double fitSeconds;
        if (k >= 2)
        {
            var fit = new AnomalyFitter(configuration.Options).Fit([.. good.Select(f => new AnomalySample(f, false))], cancellationToken: cancellationToken);
            threshold = fit.Threshold;
            model = fit.Model;
            embedder = fit.Model.Embedder;
            bank = fit.Model.Bank;
            bankImages = fit.TrainSamples;
            fitSeconds = fit.TotalTime.TotalSeconds;
        }
        else
        {
            var clock = Stopwatch.StartNew();
            (embedder, bank) = SingleImageBank(good[0], configuration.Options);
            fitSeconds = clock.Elapsed.TotalSeconds;
            bankImages = 1;
        }

        // The scorer's two steps, timed apart so the report can say where a frame's scoring time goes.
        var search = new VectorisedNearestNeighbour(bank, threads);
        var embeddings = new float[embedder.Patches * embedder.Dimensions];
        var test = features.Test;
        var scores = new float[test.Count];
        var labels = new bool[test.Count];
        var maps = new List<float[]>(test.Count);
        var masks = new List<bool[]>(test.Count);
        var embedTimes = new double[test.Count];
        var searchTimes = new double[test.Count];
        var times = new double[test.Count];
        var (height, width) = (embedder.Layout.Stage2.Height, embedder.Layout.Stage2.Width);
        var ort = model is not null && graph is not null ? graph(model) : null;
        using var owned = ort as IDisposable;
        var ortTimes = new List<double>();
        var ortMap = new float[embedder.Patches];
        var ortDifference = 0.0;
        for (var i = 0; i < test.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var map = new float[embedder.Patches];
            var start = Stopwatch.GetTimestamp();
            embedder.Embed(test[i].Features, embeddings);
            var embedded = Stopwatch.GetTimestamp();
            search.NearestDistances(embeddings, embedder.Patches, map);
            var end = Stopwatch.GetTimestamp();
            if (ort is not null)
            {
                var ortStart = Stopwatch.GetTimestamp();
                ort.Compute(test[i].Features, ortMap);
                ortTimes.Add(Stopwatch.GetElapsedTime(ortStart).TotalMilliseconds);
                for (var p = 0; p < map.Length; p++)
                {
                    ortDifference = Math.Max(ortDifference, Math.Abs(ortMap[p] - map[p]));
                }
            }

            scores[i] = AnomalyScorer.ImageScore(map, threshold?.PositionScale);
            embedTimes[i] = Stopwatch.GetElapsedTime(start, embedded).TotalMilliseconds;
            searchTimes[i] = Stopwatch.GetElapsedTime(embedded, end).TotalMilliseconds;
            times[i] = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
            labels[i] = test[i].IsDefect;
            maps.Add(AnomalyMapRenderer.Render(map, height, width, mapSize, mapSize));
            masks.Add(test[i].Mask);
        }

        var byKind = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var goodScores = scores.Where((_, i) => !labels[i]).ToArray();
        foreach (var kind in test.Where(t => t.IsDefect).Select(t => t.DefectKind).Distinct())
        {
            var kindScores = scores.Where((_, i) => test[i].DefectKind == kind).ToArray();
            if (goodScores.Length > 0)
            {
                byKind[kind] = AnomalyMetrics.Auroc([.. goodScores, .. kindScores], [.. goodScores.Select(_ => false), .. kindScores.Select(_ => true)]);
            }
        }

        return new AnomalyRunResult(
            backbone,
            configuration.Name,
            category,
            shots,
            k,
            bankImages,
            labels.Contains(true) && labels.Contains(false) ? AnomalyMetrics.Auroc(scores, labels) : double.NaN,
            masks.Any(m => m.Contains(true)) ? AnomalyMetrics.PixelAuroc(maps, masks) : double.NaN,
            threshold is null ? double.NaN : F1At(scores, labels, threshold),
            threshold is null || !labels.Contains(false) ? double.NaN : AnomalyMetrics.FalseRejectRate(scores.Where((_, i) => !labels[i]).ToArray(), threshold.Value),
            fitSeconds,
            test.Count == 0 ? double.NaN : TimingStatistics.From(times).Median,
            TimingStatistics.From(features.BackboneMs).Median,
            bank.Bytes,
            bank.Count)
        {
            ImageAurocByDefectKind = byKind,
            EmbedMs = test.Count == 0 ? double.NaN : TimingStatistics.From(embedTimes).Median,
            SearchMs = test.Count == 0 ? double.NaN : TimingStatistics.From(searchTimes).Median,
            OrtScoringMs = ortTimes.Count == 0 ? double.NaN : TimingStatistics.From(ortTimes).Median,
            OrtMaxDifference = ortTimes.Count == 0 ? double.NaN : ortDifference,
        };
    }

    // The fitter's own recipe (projection seeded by the fit seed, coreset budget by ratio, row cap and bytes) for the
    // one case it refuses, so that k = 1 measures the same kind of bank.
    private static (PatchEmbedder Embedder, MemoryBank Bank) SingleImageBank(AnomalyFeatures image, AnomalyFitOptions options)
    {
        var layout = image.Layout;
        var seed = (ulong)options.Seed;
        var projection = options.ProjectionDimensions > 0 && options.ProjectionDimensions < layout.EmbeddingDimensions
            ? new RandomProjection(layout.EmbeddingDimensions, options.ProjectionDimensions, seed)
            : null;
        var embedder = new PatchEmbedder(layout, projection);
        var rows = embedder.Embed(image);
        var budget = options.CoresetBudget(embedder.Patches, embedder.Dimensions);
        var chosen = CoresetSampler.Select(rows, embedder.Patches, embedder.Dimensions, budget, seed, options.SamplingDimensions);
        return (embedder, MemoryBank.FromRows(rows, embedder.Dimensions, chosen));
    }

    private static double F1At(float[] scores, bool[] labels, AnomalyThreshold threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var flagged = threshold.IsAnomalous(scores[i]);
            tp += flagged && labels[i] ? 1 : 0;
            fp += flagged && !labels[i] ? 1 : 0;
            fn += !flagged && labels[i] ? 1 : 0;
        }

        return tp + fn == 0 ? double.NaN : 2.0 * tp / ((2 * tp) + fp + fn);
    }
}
