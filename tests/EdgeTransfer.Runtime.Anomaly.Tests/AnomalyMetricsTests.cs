namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class AnomalyMetricsTests
{
    [Fact]
    public void Auroc_OfKnownCases()
    {
        // scikit-learn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        Assert.Equal(0.75, AnomalyMetrics.Auroc([0.1f, 0.4f, 0.35f, 0.8f], [false, false, true, true]), 12);
        Assert.Equal(1.0, AnomalyMetrics.Auroc([0.1f, 0.2f, 0.9f], [false, false, true]), 12);
        Assert.Equal(0.0, AnomalyMetrics.Auroc([0.9f, 0.2f, 0.1f], [false, true, true]), 12);
    }

    [Fact]
    public void Auroc_CountsTiesAsOneHalf()
    {
        Assert.Equal(0.5, AnomalyMetrics.Auroc([1f, 1f, 1f, 1f], [false, true, false, true]), 12);

        // Pairs (anomaly, good): (1 vs 1) = ½, (2 vs 1) = 1 → 0.75
        Assert.Equal(0.75, AnomalyMetrics.Auroc([1f, 1f, 2f], [false, true, true]), 12);
    }

    [Fact]
    public void Auroc_EqualsThePairCount_OnRandomScoresWithManyTies()
    {
        var random = new Random(3);
        var scores = Enumerable.Range(0, 400).Select(_ => (float)random.Next(20)).ToArray();
        var labels = Enumerable.Range(0, 400).Select(_ => random.Next(3) == 0).ToArray();
        double wins = 0, pairs = 0;
        for (var i = 0; i < 400; i++)
        {
            for (var j = 0; j < 400; j++)
            {
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        Assert.Equal(wins / pairs, AnomalyMetrics.Auroc(scores, labels), 12);
    }

    [Fact]
    public void Auroc_WithOneClassOnly_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => AnomalyMetrics.Auroc([1f, 2f], [false, false]));
        Assert.Throws<ArgumentException>(() => AnomalyMetrics.Auroc([1f, float.NaN], [false, true]));
    }

    [Fact]
    public void BestF1_FindsTheThresholdThatSeparatesBest()
    {
        // Flag ≥ 0.7: P 1, R 3/4 → F1 6/7; ≥ 0.6: P 3/4, R 3/4 → 0.75; ≥ 0.3: P 4/6, R 1 → 0.8; ≥ 0.8: P 1, R 1/2 → 2/3.
        var best = AnomalyMetrics.BestF1([0.1f, 0.2f, 0.3f, 0.4f, 0.6f, 0.7f, 0.8f, 0.9f], [false, false, true, false, false, true, true, true]);

        Assert.Equal(0.7f, best.Threshold);
        Assert.Equal(6.0 / 7, best.F1, 12);
        Assert.Equal(1.0, best.Precision, 12);
        Assert.Equal(0.75, best.Recall, 12);
    }

    [Fact]
    public void PixelAuroc_PoolsThePixelsOfAllImages_AndRefusesAMapOfAnotherSize()
    {
        // Image 0: the defect pixel scores 0.9, above every clear pixel except image 1's 0.95 → 5 of 6 pairs won.
        float[][] maps = [[0.1f, 0.9f, 0.2f], [0.95f, 0.3f, 0.2f, 0.1f]];
        bool[][] masks = [[false, true, false], [false, false, false, false]];

        Assert.Equal(5.0 / 6, AnomalyMetrics.PixelAuroc(maps, masks), 12);
        Assert.Throws<ArgumentException>(() => AnomalyMetrics.PixelAuroc(maps, [masks[0], new bool[3]]));
    }

    [Fact]
    public void FalseRejectRate_CountsGoodScoresAboveTheThreshold()
    {
        Assert.Equal(0.25, AnomalyMetrics.FalseRejectRate([1f, 2f, 3f, 4f], 3f));
    }
}
