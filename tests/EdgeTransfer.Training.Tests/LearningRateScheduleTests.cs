namespace EdgeTransfer.Training.Tests;

public class LearningRateScheduleTests
{
    [Fact]
    public void Constant_GivesTheBaseRateInEveryEpoch()
    {
        // Given the constant schedule, Then every epoch runs at the base rate
        Assert.All(Enumerable.Range(1, 10), e => Assert.Equal(0.01, LearningRateSchedule.Constant.RateAt(0.01, e, 10)));
    }

    [Fact]
    public void Cosine_WarmsUpLinearly_ThenDecaysAlongTheCosine()
    {
        // Given cosine decay over 10 epochs with 2 warm-up epochs and a floor of 10 %
        var schedule = LearningRateSchedule.Cosine(warmupEpochs: 2, minimumFactor: 0.1);

        // When the factors of every epoch are taken
        var factors = Enumerable.Range(1, 10).Select(e => schedule.FactorAt(e, 10)).ToArray();

        // Then warm-up gives e/(W+1), and epoch 3 + i gives 0.1 + 0.9·½(1 + cos(π·i/8)), computed by hand
        double[] expected =
        [
            1.0 / 3, 2.0 / 3,
            1.0,
            0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * 1 / 8))),
            0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * 2 / 8))),
            0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * 3 / 8))),
            0.55,
            0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * 5 / 8))),
            0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * 6 / 8))),
            0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * 7 / 8))),
        ];
        Assert.Equal(expected, factors, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(0.55 * 0.02, schedule.RateAt(0.02, 7, 10), 12);
        Assert.True(factors[^1] > 0.1, "the last epoch still learns, as with PyTorch's CosineAnnealingLR(T_max = E − W)");
    }

    [Fact]
    public void Step_MultipliesByGammaEverySEpochs_NeverBelowTheFloor()
    {
        // Given step decay ×0.5 every 3 epochs after one warm-up epoch, floor 0.2
        var schedule = LearningRateSchedule.Step(everyEpochs: 3, factor: 0.5, warmupEpochs: 1, minimumFactor: 0.2);

        // When the factors of 12 epochs are taken
        var factors = Enumerable.Range(1, 12).Select(e => schedule.FactorAt(e, 12)).ToArray();

        // Then: warm-up ½, then 1 1 1, ½ ½ ½, ¼ ¼ ¼, and 0.2 (not ⅛) from epoch 11
        Assert.Equal([0.5, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2], factors);
    }

    [Fact]
    public void Cosine_WithAllEpochsInWarmup_NeverExceedsTheBaseRate()
    {
        // Given more warm-up epochs than the run has
        var schedule = LearningRateSchedule.Cosine(warmupEpochs: 5);

        // Then every epoch is in the warm-up, climbing and below 1
        Assert.Equal([1.0 / 6, 2.0 / 6, 3.0 / 6], Enumerable.Range(1, 3).Select(e => schedule.FactorAt(e, 3)), (a, b) => Math.Abs(a - b) < 1e-12);
    }
}
