using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Runtime.Inspection.Tests.Inspection;

public sealed class VerdictPolicyTests
{
    private static readonly string[] Classes = ["good", "scratch", "dent"];

    [Theory]
    [InlineData(0.50f, 0.49f, 0.01f, VerdictOutcome.Good, "good")]
    [InlineData(0.40f, 0.50f, 0.10f, VerdictOutcome.Defect, "scratch")] // exactly at the threshold rejects
    [InlineData(0.45f, 0.05f, 0.50f, VerdictOutcome.Good, "good")] // dent's own threshold is 0.6
    [InlineData(0.30f, 0.05f, 0.65f, VerdictOutcome.Defect, "dent")]
    [InlineData(0.05f, 0.55f, 0.40f, VerdictOutcome.Defect, "scratch")]
    public void Decide_RejectsOnlyDefectClassesAtOrAboveTheirThreshold(float good, float scratch, float dent, VerdictOutcome outcome, string className)
    {
        // Given thresholds: scratch the default 0.5, dent 0.6
        var policy = new VerdictPolicy(Classes, new InspectionOptions { Thresholds = new Dictionary<string, double> { ["dent"] = 0.6 } });

        // When it decides
        var d = policy.Decide([good, scratch, dent]);

        // Then a defect class at or above its threshold rejects, anything else passes
        Assert.Equal(outcome, d.Outcome);
        Assert.Equal(className, Classes[d.ClassIndex]);
        Assert.Equal(outcome == VerdictOutcome.Defect, d.Rejects);
    }

    [Fact]
    public void Decide_PicksTheMostProbableDefect_WhenSeveralClearTheirThresholds()
    {
        // Given low thresholds
        var policy = new VerdictPolicy(Classes, new InspectionOptions { DefaultThreshold = 0.2 });

        // When both defects clear them
        var d = policy.Decide([0.1f, 0.35f, 0.55f]);

        // Then the more probable one is the verdict
        Assert.Equal(VerdictOutcome.Defect, d.Outcome);
        Assert.Equal(2, d.ClassIndex);
        Assert.Equal(0.55f, d.Confidence);
    }

    [Theory]
    [InlineData(UncertainAction.Reject, true)]
    [InlineData(UncertainAction.Pass, false)]
    public void Decide_IsUncertain_WhenNoClassClearsItsThreshold_AndTheActionDecidesTheReject(UncertainAction action, bool rejects)
    {
        // Given a policy that wants 0.6 for a good verdict
        var policy = new VerdictPolicy(Classes, null, minimumPassConfidence: 0.6, uncertainAction: action);

        // When neither the defects (0.5) nor good (0.6) are reached
        var d = policy.Decide([0.4f, 0.35f, 0.25f]);

        // Then it is uncertain, with the most probable class, and rejected or not as configured
        Assert.Equal(VerdictOutcome.Uncertain, d.Outcome);
        Assert.Equal(0, d.ClassIndex);
        Assert.Equal(rejects, d.Rejects);
    }

    [Fact]
    public void Decide_CountsEveryPassingClass_TowardsAGoodVerdict()
    {
        // Given a bundle with a class that is neither good nor a defect (a harmless stain)
        var policy = new VerdictPolicy(["good", "scratch", "stain"], new InspectionOptions { DefectClasses = ["scratch"] }, minimumPassConfidence: 0.6);

        // When good and stain together are likely enough, stain most of all
        var d = policy.Decide([0.3f, 0.3f, 0.4f]);

        // Then the part is good, reported as the most probable passing class
        Assert.Equal(VerdictOutcome.Good, d.Outcome);
        Assert.Equal(2, d.ClassIndex);
        Assert.False(d.Rejects);
        Assert.False(policy.IsDefectClass(2));
        Assert.Equal(double.PositiveInfinity, policy.Threshold(2));
    }

    [Fact]
    public void Decide_NeverPassesAPart_WhoseProbabilitiesHaveANaN()
    {
        // Given the default policy
        var policy = new VerdictPolicy(Classes);

        // When the head gives a NaN
        var d = policy.Decide([float.NaN, 0.1f, 0.1f]);

        // Then the part is uncertain and rejected
        Assert.Equal(VerdictOutcome.Uncertain, d.Outcome);
        Assert.True(d.Rejects);
    }

    [Fact]
    public void Decide_OnASortingLine_PassesEveryClassAndNamesTheMostProbable()
    {
        // Given a sorting line: no defect classes, and a bundle without a class called "good"
        var policy = new VerdictPolicy(["bolt", "nut", "washer"], new InspectionOptions { DefectClasses = [] });

        // When a part is most probably a washer
        var d = policy.Decide([0.2f, 0.1f, 0.7f]);

        // Then it passes as a washer, and no class ever rejects
        Assert.Equal(VerdictOutcome.Good, d.Outcome);
        Assert.Equal(2, d.ClassIndex);
        Assert.False(d.Rejects);
        Assert.Equal(-1, policy.GoodClassIndex);
        Assert.All(Enumerable.Range(0, 3), c => Assert.False(policy.IsDefectClass(c)));
    }

    [Theory]
    [InlineData("goodClass", "inspection.goodClass")]
    [InlineData("defect", "inspection.defectClasses[0]")]
    [InlineData("threshold", "inspection.thresholds.scratchy")]
    [InlineData("goodThreshold", "inspection.thresholds.good")]
    [InlineData("range", "inspection.thresholds.dent")]
    public void Create_NamesTheBadSetting(string problem, string key)
    {
        // Given inspection settings with one problem
        var options = problem switch
        {
            "goodClass" => new InspectionOptions { GoodClass = "ok" },
            "defect" => new InspectionOptions { DefectClasses = ["crack"] },
            "threshold" => new InspectionOptions { Thresholds = new Dictionary<string, double> { ["scratchy"] = 0.5 } },
            "goodThreshold" => new InspectionOptions { Thresholds = new Dictionary<string, double> { ["good"] = 0.5 } },
            _ => new InspectionOptions { Thresholds = new Dictionary<string, double> { ["dent"] = 1.5 } },
        };

        // When the policy is made
        var error = Assert.Throws<InvalidSettingException>(() => new VerdictPolicy(Classes, options));

        // Then the error names the key
        Assert.Equal(key, error.Setting);
    }
}
