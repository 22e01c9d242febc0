using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Evaluation;

namespace EdgeTransfer.Runtime.Inspection.Tests.Evaluation;

public sealed class EvaluationTallyTests
{
    private static readonly string[] Classes = ["good", "scratch", "dent"];

    [Fact]
    public void ToReport_GivesTheFiguresOfAKnownConfusionMatrix()
    {
        // Given 10 parts whose true and most probable classes form this matrix (rows true, columns predicted):
        //   good    4 1 0
        //   scratch 1 2 0
        //   dent    0 1 1
        var tally = new EvaluationTally(new VerdictPolicy(Classes));
        AddMany(tally, 0, 0, 4);
        AddMany(tally, 0, 1, 1);
        AddMany(tally, 1, 0, 1);
        AddMany(tally, 1, 1, 2);
        AddMany(tally, 2, 1, 1);
        AddMany(tally, 2, 2, 1);

        var report = tally.ToReport("b1", "v0002", "folder");

        Assert.Equal(10, report.Count);
        Assert.Equal([[4, 1, 0], [1, 2, 0], [0, 1, 1]], report.ConfusionMatrix.Select(r => r.ToArray()).ToArray());
        Assert.Equal(0.7, report.Accuracy, 12);
        Assert.Equal((0.8 + (2.0 / 3) + 0.5) / 3, report.BalancedAccuracy, 12);
        Assert.Equal([5, 3, 2], report.Classes.Select(c => c.Support));
        Assert.Equal([5, 4, 1], report.Classes.Select(c => c.Predicted));
        Assert.Equal(0.8, report.Classes[0].Precision!.Value, 12);
        Assert.Equal(0.5, report.Classes[1].Precision!.Value, 12);
        Assert.Equal(1.0, report.Classes[2].Precision!.Value, 12);
        Assert.Equal(2.0 / 3, report.Classes[1].Recall!.Value, 12);
        Assert.Equal([false, true, true], report.Classes.Select(c => c.IsDefect));
    }

    [Fact]
    public void BalancedAccuracy_LeavesOutAClassWithNoParts_AndItsRecallIsNull()
    {
        // Given parts of good and scratch only, one scratch taken for a dent
        var tally = new EvaluationTally(new VerdictPolicy(Classes));
        AddMany(tally, 0, 0, 3);
        AddMany(tally, 1, 1, 1);
        AddMany(tally, 1, 2, 1);

        var report = tally.ToReport("b1", "v0001", "folder");

        // Then dent, which has no part, does not count in the balanced accuracy (mean of 1.0 and 0.5)
        Assert.Equal(0.75, report.BalancedAccuracy, 12);
        Assert.Equal(0.8, report.Accuracy, 12);
        Assert.Null(report.Classes[2].Recall);
        Assert.Equal(0, report.Classes[2].Support);

        // And dent was predicted once, wrongly: precision 0, not undefined
        Assert.Equal(0.0, report.Classes[2].Precision!.Value, 12);
    }

    [Fact]
    public void Precision_IsNull_ForAClassNeverPredicted()
    {
        var tally = new EvaluationTally(new VerdictPolicy(Classes));
        AddMany(tally, 2, 0, 2);

        var report = tally.ToReport("b1", "v0001", "folder");

        Assert.Null(report.Classes[2].Precision);
        Assert.Equal(0.0, report.Classes[2].Recall!.Value, 12);
        Assert.Equal(0.0, report.Accuracy);
    }

    [Fact]
    public void Verdicts_CountFalseRejectsAndEscapes_UnderThePolicysThresholds()
    {
        // Given scratch rejecting from 0.5 and dent only from 0.8
        var policy = new VerdictPolicy(Classes, new InspectionOptions { Thresholds = new Dictionary<string, double> { ["dent"] = 0.8 } });
        var tally = new EvaluationTally(policy);

        tally.Add(0, [0.9f, 0.05f, 0.05f]); // good part, passed
        tally.Add(0, [0.4f, 0.55f, 0.05f]); // good part, rejected as scratch: a false reject
        tally.Add(1, [0.2f, 0.7f, 0.1f]); // scratch, rejected
        tally.Add(2, [0.1f, 0.2f, 0.7f]); // dent at 0.7 < 0.8: passes, an escape although dent is the most probable class
        tally.Add(2, [0.05f, 0.05f, 0.9f]); // dent, rejected

        var v = tally.ToReport("b1", "v0001", "folder").Verdicts;

        Assert.Equal(new VerdictCounts(GoodParts: 2, Passed: 1, FalseRejects: 1, DefectiveParts: 3, Rejected: 2, Escapes: 1, Uncertain: 0), v);
        Assert.Equal(0.5, v.FalseRejectRate!.Value, 12);
        Assert.Equal(1.0 / 3, v.EscapeRate!.Value, 12);
    }

    [Theory]
    [InlineData(UncertainAction.Reject, 1, 0)]
    [InlineData(UncertainAction.Pass, 0, 1)]
    public void Verdicts_CountUncertainParts_AsTheUncertainActionDecides(UncertainAction action, int falseRejects, int escapes)
    {
        // Given a policy that wants 0.6 of "good" for a good verdict
        var tally = new EvaluationTally(new VerdictPolicy(Classes, null, minimumPassConfidence: 0.6, uncertainAction: action));

        // When a good part and a scratched part are both uncertain
        tally.Add(0, [0.45f, 0.3f, 0.25f]);
        tally.Add(1, [0.45f, 0.3f, 0.25f]);

        var v = tally.ToReport("b1", "v0001", "folder").Verdicts;

        Assert.Equal(2, v.Uncertain);
        Assert.Equal(falseRejects, v.FalseRejects);
        Assert.Equal(escapes, v.Escapes);
    }

    [Fact]
    public void ASortingLine_HasNoDefectiveParts_AndNothingRejected()
    {
        var tally = new EvaluationTally(new VerdictPolicy(Classes, new InspectionOptions { DefectClasses = [] }));
        tally.Add(1, [0.1f, 0.8f, 0.1f]);
        tally.Add(2, [0.1f, 0.8f, 0.1f]);

        var report = tally.ToReport("b1", "v0001", "folder");

        Assert.Equal(new VerdictCounts(2, 2, 0, 0, 0, 0, 0), report.Verdicts);
        Assert.Null(report.Verdicts.EscapeRate);
        Assert.Equal(0.5, report.Accuracy, 12);
    }

    [Fact]
    public void ANaNProbability_NeverWinsTheMostProbableClass()
    {
        var tally = new EvaluationTally(new VerdictPolicy(Classes));
        tally.Add(1, [float.NaN, 0.7f, 0.3f]);

        var report = tally.ToReport("b1", "v0001", "folder");

        Assert.Equal(1, report.ConfusionMatrix[1][1]);
    }

    [Fact]
    public void Add_RefusesAClassIndexOrAVectorOfTheWrongSize()
    {
        var tally = new EvaluationTally(new VerdictPolicy(Classes));

        Assert.Throws<ArgumentOutOfRangeException>(() => tally.Add(3, [0.2f, 0.3f, 0.5f]));
        Assert.Throws<ArgumentException>(() => tally.Add(0, [0.5f, 0.5f]));
        Assert.Throws<InvalidOperationException>(() => tally.ToReport("b1", "v0001", "folder"));
    }

    [Fact]
    public void Json_RoundTrips_WithNullForFiguresThatCannotBeMeasured()
    {
        var tally = new EvaluationTally(new VerdictPolicy(Classes));
        AddMany(tally, 0, 0, 2);
        var report = tally.ToReport("b1", "v0003", "/data/parts", [new SkippedImage("/data/parts/good/broken.png", "the file is truncated.")]);

        var json = report.ToJson();
        var back = EvaluationReport.FromJson(json);

        Assert.Contains("\"balancedAccuracy\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"escapeRate\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"falseRejectRate\": 0", json, StringComparison.Ordinal);
        Assert.Equal(report.Verdicts, back.Verdicts);
        Assert.Equal(report.Classes, back.Classes);
        Assert.Equal(report.Skipped, back.Skipped);
        Assert.Equal([2, 0, 0], back.ConfusionMatrix[0]);
    }

    [Fact]
    public void Table_ShowsTheFigures_TheMatrixAndTheSkippedFiles()
    {
        var tally = new EvaluationTally(new VerdictPolicy(Classes));
        AddMany(tally, 0, 0, 3);
        AddMany(tally, 1, 0, 1);
        var report = tally.ToReport("b1", "v0003", "/data/parts", [new SkippedImage("/data/parts/good/broken.png", "the file is truncated.")]);
        using var text = new StringWriter();

        EvaluationTable.Write(report, text);

        var output = text.ToString();
        Assert.Contains("accuracy   75.0 %, balanced 50.0 %", output, StringComparison.Ordinal);
        Assert.Contains("/data/parts/good/broken.png: the file is truncated.", output, StringComparison.Ordinal);
        Assert.Contains("scratch        1        0        0", output, StringComparison.Ordinal);
        Assert.Contains("defective parts       1: 0 rejected, 1 passed (escapes 100.0 %)", output, StringComparison.Ordinal);
    }

    private static void AddMany(EvaluationTally tally, int trueClass, int predicted, int count)
    {
        // Most probable class = predicted, confident enough that the default policy's verdict follows it.
        var p = new float[Classes.Length];
        Array.Fill(p, 0.1f / (Classes.Length - 1));
        p[predicted] = 0.9f;
        for (var i = 0; i < count; i++)
        {
            tally.Add(trueClass, p);
        }
    }
}
