using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Tests.Support;

namespace EdgeTransfer.Runtime.Tests.Heads;

public class QualityGateTests
{
    private static readonly (string, double, int)[] Balanced = [("good", 0.9, 10), ("scratch", 0.9, 10), ("dent", 0.9, 10)];

    [Fact]
    public void Decide_KeepsTheCurrentHead_WhenTheCandidateIsWorse_SayingWhyInNumbers()
    {
        // Given a candidate at 0.91 and the head in service v0003 at 0.94 on the same 100 samples
        var gate = new QualityGate();

        // When the gate decides
        var decision = gate.Decide(SeededCheckpoints.Metrics(0.91, 100, Balanced), SeededCheckpoints.Metrics(0.94, 100, Balanced), "v0003");

        // Then it keeps v0003 and says so with both numbers and the margin
        Assert.False(decision.Promote);
        Assert.Equal("candidate 0.91 < current 0.94 − margin 0.00: kept v0003", decision.Reason);
    }

    [Theory]
    [InlineData(0.95, 0.94, 0.0, true)]
    [InlineData(0.94, 0.94, 0.0, true)] // at least as good
    [InlineData(0.93, 0.94, 0.02, true)] // within the margin
    [InlineData(0.91, 0.94, 0.02, false)]
    [InlineData(0.95, 0.94, -0.02, false)] // a negative margin demands a real improvement
    [InlineData(0.97, 0.94, -0.02, true)]
    public void Decide_PromotesExactlyWhenCandidateIsAtLeastCurrentMinusMargin(double candidate, double current, double margin, bool promote)
    {
        var gate = new QualityGate(new QualityGateOptions { Margin = margin });
        var decision = gate.Decide(SeededCheckpoints.Metrics(candidate, 100, Balanced), SeededCheckpoints.Metrics(current, 100, Balanced), "v0002");
        Assert.Equal(promote, decision.Promote);
        Assert.Contains(promote ? "promoted" : "kept v0002", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithOneThirdEachTime_TreatsEqualRatiosAsEqual()
    {
        // 0.94 − 0.0 computed from counts must not lose to rounding
        var gate = new QualityGate(new QualityGateOptions { Margin = 0.1 });
        var decision = gate.Decide(SeededCheckpoints.Metrics(2.0 / 3.0, 30, Balanced), SeededCheckpoints.Metrics((2.0 / 3.0) + 0.1, 30, Balanced), "v0001");
        Assert.True(decision.Promote, decision.Reason);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Decide_NeverPromotesANaNCandidate_EvenWithoutAHeadInService(double accuracy)
    {
        var gate = new QualityGate(new QualityGateOptions { Margin = 1 });
        var decision = gate.Decide(SeededCheckpoints.Metrics(accuracy, 100, Balanced), null, null);
        Assert.False(decision.Promote);
        Assert.Contains("not a number", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NeverPromotesACandidateWithANaNClassAccuracy()
    {
        var gate = new QualityGate();
        var decision = gate.Decide(SeededCheckpoints.Metrics(0.99, 100, ("good", 1.0, 50), ("dent", double.NaN, 50)), SeededCheckpoints.Metrics(0.5, 100, Balanced), "v0001");
        Assert.False(decision.Promote);
        Assert.Contains("class 'dent'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_KeepsTheCurrentHead_WhenThereAreTooFewValidationSamples()
    {
        var gate = new QualityGate(new QualityGateOptions { MinValidationSamples = 20 });
        var decision = gate.Decide(SeededCheckpoints.Metrics(1.0, 12, ("good", 1, 6), ("dent", 1, 6)), SeededCheckpoints.Metrics(0.5, 12, ("good", 1, 6), ("dent", 0, 6)), "v0004");
        Assert.False(decision.Promote);
        Assert.Equal("only 12 validation samples, fewer than the 20 a decision needs (label more parts): kept v0004", decision.Reason);
    }

    [Fact]
    public void Decide_KeepsTheCurrentHead_WhenAClassHasTooFewValidationSamples()
    {
        var gate = new QualityGate(new QualityGateOptions { MinValidationSamplesPerClass = 3 });
        var decision = gate.Decide(SeededCheckpoints.Metrics(1.0, 30, ("good", 1, 28), ("dent", 1, 2)), SeededCheckpoints.Metrics(0.5, 30, Balanced), "v0004");
        Assert.False(decision.Promote);
        Assert.Contains("class 'dent' has 2 validation samples", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PromotesTheFirstTrainedHead_WhenNothingIsInService()
    {
        var decision = new QualityGate().Decide(SeededCheckpoints.Metrics(0.7, 30, Balanced), null, null);
        Assert.True(decision.Promote);
        Assert.Null(decision.CurrentAccuracy);
    }

    [Fact]
    public void Decide_KeepsTheCurrentHead_WhenTheTwoWereNotMeasuredOnTheSameSamples()
    {
        var decision = new QualityGate().Decide(SeededCheckpoints.Metrics(0.99, 40, Balanced), SeededCheckpoints.Metrics(0.5, 30, Balanced), "v0002");
        Assert.False(decision.Promote);
        Assert.Contains("same samples", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_KeepsTheCurrentHead_WhenTheCandidateIsNoBetterThanGuessing()
    {
        // Given a candidate at 0.30 on three classes (chance 0.33) and a current head that is worse still
        var gate = new QualityGate();

        // When the gate decides
        var decision = gate.Decide(SeededCheckpoints.Metrics(0.30, 30, Balanced), SeededCheckpoints.Metrics(0.10, 30, Balanced), "v0001");

        // Then the candidate is refused, and the reason says why
        Assert.False(decision.Promote);
        Assert.Contains("no better than guessing among 3 classes", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PromotesABarelyBetterThanChanceHead_WhenTheChanceRuleIsOff()
    {
        var gate = new QualityGate(new QualityGateOptions { RequireBetterThanChance = false });
        var decision = gate.Decide(SeededCheckpoints.Metrics(0.30, 30, Balanced), SeededCheckpoints.Metrics(0.10, 30, Balanced), "v0001");
        Assert.True(decision.Promote);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    public void Options_RejectAMarginThatIsNotAnAccuracyDifference(double margin)
    {
        var error = Assert.Throws<InvalidSettingException>(() => new QualityGate(new QualityGateOptions { Margin = margin }));
        Assert.Equal("QualityGateOptions.Margin", error.Setting);
    }
}
