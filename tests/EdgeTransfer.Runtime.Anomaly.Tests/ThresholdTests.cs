using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class ThresholdTests
{
    [Theory]
    [InlineData(0.01, 500)]
    [InlineData(0.01, 2000)]
    [InlineData(0.05, 200)]
    public void Calibrate_MeetsTheTargetFalseRejectRate_OnFreshSamplesOfTheSameDistribution(double target, int heldOut)
    {
        // Skewed scores (log-normal-like) as nearest-neighbour distances are; the threshold is set on
        // `heldOut` of them and judged on 200 000 fresh ones.
        var random = new SplitMix64(17);
        var threshold = ThresholdCalibrator.Calibrate(Scores(ref random, heldOut), target);
        var fresh = Scores(ref random, 200_000);

        var rate = AnomalyMetrics.FalseRejectRate(fresh, threshold.Value);

        // The conformal rank guarantees the target on average; one draw of n held-out scores scatters by about √(α/n).
        Assert.InRange(rate, target * 0.2, target + (4 * Math.Sqrt(target / heldOut)));
        Assert.Equal(heldOut, threshold.HeldOutSamples);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    public void Calibrate_WithTooFewSamplesForTheQuantile_StillKeepsFalseRejectsNearTheTarget(int heldOut)
    {
        // Averaged over 200 draws of `heldOut` normal scores, the prediction bound rejects about 1 % of fresh ones.
        var random = new SplitMix64(23);
        var rates = new List<double>();
        for (var draw = 0; draw < 200; draw++)
        {
            var threshold = ThresholdCalibrator.Calibrate(Normal(ref random, heldOut), 0.01);
            rates.Add(AnomalyMetrics.FalseRejectRate(Normal(ref random, 2000), threshold.Value));
        }

        Assert.InRange(rates.Average(), 0.004, 0.02);
    }

    [Fact]
    public void Calibrate_WithFewScores_IsTheNormalPredictionBound_AndNeverBelowTheHighest()
    {
        // mean 2, s = √(10/4), t(0.99, 4) = 3.747: 2 + 3.747 · 1.5811 · √1.2 = 8.49 (the t approximation is 1 % low at ν = 4)
        Assert.InRange(ThresholdCalibrator.Calibrate([0f, 1f, 2f, 3f, 4f], 0.01).Value, 8.40, 8.50);
        Assert.Equal(12.5f, ThresholdCalibrator.Calibrate([10f], 0.01).Value);
    }

    [Theory]
    [InlineData(0.99, 5, 3.365)]
    [InlineData(0.99, 20, 2.528)]
    [InlineData(0.95, 10, 1.812)]
    [InlineData(0.99, 1000, 2.330)]
    public void StudentQuantile_MatchesTables(double p, int degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, ThresholdCalibrator.StudentQuantile(p, degreesOfFreedom), expected * 0.005);
    }

    [Fact]
    public void Calibrate_RefusesNoScoresAndARateOutOfRange()
    {
        Assert.Throws<ArgumentException>(() => ThresholdCalibrator.Calibrate([], 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdCalibrator.Calibrate([1f], 0));
        Assert.Throws<ArgumentException>(() => ThresholdCalibrator.Calibrate([1f, float.PositiveInfinity], 0.01));
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1f, 0.25f)]
    [InlineData(2f, 0.5f)]
    [InlineData(4f, 0.75f)]
    [InlineData(200f, 0.995f)]
    public void Normalise_PutsTheThresholdAtOneHalf(float score, float expected)
    {
        var threshold = new AnomalyThreshold(2f, 0.01, 10);
        Assert.Equal(expected, threshold.Normalise(score), 6);
        Assert.Equal(score > 2f, threshold.IsAnomalous(score));
    }

    private static float[] Normal(ref SplitMix64 random, int count)
    {
        var scores = new float[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = 10f + random.NextGaussian();
        }

        return scores;
    }

    private static float[] Scores(ref SplitMix64 random, int count)
    {
        var scores = new float[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = MathF.Exp(0.4f * random.NextGaussian());
        }

        return scores;
    }
}
