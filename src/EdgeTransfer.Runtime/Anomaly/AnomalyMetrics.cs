namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>Quality figures of anomaly scores against known labels: exact AUROC, the F1-best threshold, false rejects.</summary>
public static class AnomalyMetrics
{
    /// <summary>
    /// The exact area under the ROC curve: the probability that a random anomaly scores above a random good
    /// sample, ties counting one half (Mann–Whitney U from mid-ranks).
    /// </summary>
    /// <param name="scores">One score per sample; higher means more anomalous.</param>
    /// <param name="isAnomaly">One label per sample.</param>
    /// <returns>The AUROC in [0, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or one of the two classes is missing.</exception>
    public static double Auroc(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly)
    {
        CheckLabelled(scores, isAnomaly);
        var order = SortedOrder(scores);
        long positives = 0;
        var positiveRankSum = 0.0;
        var i = 0;
        while (i < order.Length)
        {
            // A run of equal scores shares the mean of its ranks (1-based).
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            var midRank = ((i + 1) + (j + 1)) / 2.0;
            for (var t = i; t <= j; t++)
            {
                if (isAnomaly[order[t]])
                {
                    positives++;
                    positiveRankSum += midRank;
                }
            }

            i = j + 1;
        }

        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException($"AUROC needs both anomalies and good samples; got {positives} anomalies and {negatives} good samples.", nameof(isAnomaly));
        }

        var u = positiveRankSum - (positives * (positives + 1) / 2.0);
        return u / ((double)positives * negatives);
    }

    /// <summary>
    /// Pixel AUROC: <see cref="Auroc"/> over every pixel of every image, a pixel being an anomaly where its
    /// ground-truth mask is set. Good images contribute their maps with all-clear masks.
    /// </summary>
    /// <param name="maps">Per image, the anomaly map at the mask's resolution (see <see cref="AnomalyMapRenderer"/>).</param>
    /// <param name="masks">Per image, the ground-truth mask, same length as its map.</param>
    /// <exception cref="ArgumentException">The counts or an image's lengths differ, or no pixel (or every pixel) is an anomaly.</exception>
    public static double PixelAuroc(IReadOnlyList<float[]> maps, IReadOnlyList<bool[]> masks)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(masks);
        if (maps.Count != masks.Count)
        {
            throw new ArgumentException($"Got {maps.Count} maps but {masks.Count} masks.", nameof(masks));
        }

        long total = 0;
        for (var i = 0; i < maps.Count; i++)
        {
            if (maps[i].Length != masks[i].Length)
            {
                throw new ArgumentException($"Image {i} has a map of {maps[i].Length} pixels but a mask of {masks[i].Length}; render the map at the mask's size.", nameof(masks));
            }

            total += maps[i].Length;
        }

        var scores = new float[total];
        var labels = new bool[total];
        var at = 0;
        for (var i = 0; i < maps.Count; i++)
        {
            maps[i].CopyTo(scores, at);
            masks[i].CopyTo(labels, at);
            at += maps[i].Length;
        }

        return Auroc(scores, labels);
    }

    /// <summary>
    /// The threshold with the best F1 score for anomalies (score ≥ threshold is called an anomaly); every
    /// distinct score is tried.
    /// </summary>
    /// <param name="scores">One score per sample.</param>
    /// <param name="isAnomaly">One label per sample.</param>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or there is no anomaly.</exception>
    public static F1Point BestF1(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly)
    {
        CheckLabelled(scores, isAnomaly);
        var order = SortedOrder(scores);
        var positives = 0;
        foreach (var label in isAnomaly)
        {
            positives += label ? 1 : 0;
        }

        if (positives == 0)
        {
            throw new ArgumentException("The F1-best threshold needs at least one anomaly.", nameof(isAnomaly));
        }

        // Walk thresholds from the highest score down; everything at or above the threshold is flagged.
        var best = new F1Point(float.PositiveInfinity, 0, 0, 0);
        int truePositives = 0, flagged = 0;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var threshold = scores[order[i]];
            while (i >= 0 && scores[order[i]] == threshold)
            {
                flagged++;
                truePositives += isAnomaly[order[i]] ? 1 : 0;
                i--;
            }

            var precision = (double)truePositives / flagged;
            var recall = (double)truePositives / positives;
            var f1 = truePositives == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 > best.F1)
            {
                best = new F1Point(threshold, f1, precision, recall);
            }
        }

        return best;
    }

    /// <summary>The share of good samples whose score is above <paramref name="threshold"/> (rejected good parts).</summary>
    /// <param name="goodScores">The scores of good samples.</param>
    /// <param name="threshold">The decision threshold; a score above it is rejected.</param>
    public static double FalseRejectRate(ReadOnlySpan<float> goodScores, float threshold)
    {
        if (goodScores.IsEmpty)
        {
            throw new ArgumentException("The false-reject rate needs at least one good sample.", nameof(goodScores));
        }

        var rejected = 0;
        foreach (var score in goodScores)
        {
            rejected += score > threshold ? 1 : 0;
        }

        return (double)rejected / goodScores.Length;
    }

    private static void CheckLabelled(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly)
    {
        if (scores.Length != isAnomaly.Length)
        {
            throw new ArgumentException($"Got {scores.Length} scores but {isAnomaly.Length} labels.", nameof(isAnomaly));
        }

        for (var i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is not a number.", nameof(scores));
            }
        }
    }

    private static int[] SortedOrder(ReadOnlySpan<float> scores)
    {
        var keys = scores.ToArray();
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }
}
