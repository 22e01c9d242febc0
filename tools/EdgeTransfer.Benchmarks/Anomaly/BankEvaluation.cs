using System.Diagnostics;
using EdgeTransfer.Runtime.Anomaly;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>
/// Fits one bank configuration on the first k good images of a category and measures it on the test images:
/// image and pixel AUROC, F1 and false rejects at the fitted threshold, fit and scoring time.
/// </summary>
/// <remarks>
/// From 2 good images on, the fit is the device's own (<see cref="AnomalyFitter"/>: a share held out for the
/// threshold). One good image cannot give a threshold (the fitter needs one for the bank and one held out),
/// so for k = 1 the bank is built from that image the way the fitter builds it (same projection, coreset and
/// seed) and only the threshold-free figures (AUROC, timing) are reported.
/// </remarks>
internal static class BankEvaluation
{
    public static AnomalyRunResult Evaluate(string backbone, BankConfiguration configuration, string category, int shots, CategoryFeatures features, int threads, int mapSize, CancellationToken cancellationToken)
    {
        var k = Math.Min(shots, features.Train.Count);
        var good = features.Train.Take(k).ToArray();
        Func<AnomalyFeatures, (float Score, float[] Map, int Height, int Width)> score;
        AnomalyThreshold? threshold = null;
        MemoryBank bank;
        int bankImages;
        double fitSeconds;
        if (k >= 2)
        {
            var fit = new AnomalyFitter(configuration.Options).Fit([.. good.Select(f => new AnomalySample(f, false))], cancellationToken: cancellationToken);
            var scorer = new AnomalyScorer(fit.Model, new VectorisedNearestNeighbour(fit.Model.Bank, threads));
            score = f =>
            {
                var s = scorer.Score(f);
                return (s.Score, s.PatchMap, s.MapHeight, s.MapWidth);
            };
            threshold = fit.Threshold;
            bank = fit.Model.Bank;
            bankImages = fit.TrainSamples;
            fitSeconds = fit.TotalTime.TotalSeconds;
        }
        else
        {
            var clock = Stopwatch.StartNew();
            var (embedder, oneBank) = SingleImageBank(good[0], configuration.Options);
            fitSeconds = clock.Elapsed.TotalSeconds;
            var search = new VectorisedNearestNeighbour(oneBank, threads);
            var embeddings = new float[embedder.Patches * embedder.Dimensions];
            score = f =>
            {
                var map = new float[embedder.Patches];
                embedder.Embed(f, embeddings);
                search.NearestDistances(embeddings, embedder.Patches, map);
                return (map.Max(), map, embedder.Layout.Stage2.Height, embedder.Layout.Stage2.Width);
            };
            bank = oneBank;
            bankImages = 1;
        }

        var test = features.Test;
        var scores = new float[test.Count];
        var labels = new bool[test.Count];
        var maps = new List<float[]>(test.Count);
        var masks = new List<bool[]>(test.Count);
        var times = new double[test.Count];
        for (var i = 0; i < test.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            var (s, map, h, w) = score(test[i].Features);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            scores[i] = s;
            labels[i] = test[i].IsDefect;
            maps.Add(AnomalyMapRenderer.Render(map, h, w, mapSize, mapSize));
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
