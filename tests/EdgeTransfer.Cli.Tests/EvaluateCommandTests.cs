using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Evaluation;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Cli.Tests;

public class EvaluateCommandTests : IClassFixture<PreparedBundleFixture>
{
    private readonly PreparedBundleFixture _bundle;

    public EvaluateCommandTests(PreparedBundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Evaluate_ReportsACheckpoint_UnderTheInspectionPolicyOfADeviceJson()
    {
        // Given 3 synthetic parts of each class, a checkpoint whose head always says "dent",
        // and a device.json on which only scratch rejects a part
        using var dir = new TempDirectory();
        var data = dir.Combine("parts");
        SyntheticDataset.Write(data, ["good", "scratch", "dent"], perClass: 3, size: 224, seed: 5);
        var checkpoint = dir.Combine("always-dent.etck");
        var initial = BundleReader.Open(_bundle.BundleDirectory).ReadCheckpoint();
        CheckpointFile.Write(checkpoint, new HeadCheckpoint([.. initial.Parameters.Select(p => new NamedTensor(p.Name, p.Shape, AlwaysClass(p, 2)))]));
        var config = dir.Combine("device.json");
        File.WriteAllText(config, $$"""
            {
              "device": { "id": "host-eval", "fleet": "lab" },
              "bundle": { "path": "{{_bundle.BundleDirectory.Replace("\\", "/", StringComparison.Ordinal)}}" },
              "source": { "kind": "synthetic" },
              "store": { "path": "state" },
              "inspection": { "defectClasses": ["scratch"] }
            }
            """);

        // When it is evaluated on the host
        var json = CliRunner.Run("evaluate", "--bundle", _bundle.BundleDirectory, "--checkpoint", checkpoint, "--data", data, "--config", config, "--json");
        var table = CliRunner.Run("evaluate", "--bundle", _bundle.BundleDirectory, "--data", data);

        // Then every part is put in dent, and with dent passing the scratched parts escape and nothing is rejected
        Assert.True(json.ExitCode == 0, json.ToString());
        var report = EvaluationReport.FromJson(json.Output);
        Assert.Equal(Path.GetFullPath(checkpoint), report.Head);
        Assert.Equal([[0, 0, 3], [0, 0, 3], [0, 0, 3]], report.ConfusionMatrix.Select(r => r.ToArray()).ToArray());
        Assert.Equal(1.0 / 3, report.Accuracy, 12);
        Assert.Equal(new VerdictCounts(GoodParts: 6, Passed: 6, FalseRejects: 0, DefectiveParts: 3, Rejected: 0, Escapes: 3, Uncertain: 0), report.Verdicts);

        // And without a checkpoint or device.json the bundle's own head is evaluated under the default policy
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("evaluated  9 parts of 3 classes", table.Output, StringComparison.Ordinal);
        Assert.Contains("head       initial of bundle", table.Output, StringComparison.Ordinal);
        Assert.Contains("defective parts       6:", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FailsWithExit1_NamingTheFolderThatIsNotAClass()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("parts");
        SyntheticDataset.Write(data, ["good", "dent"], perClass: 1, size: 64, seed: 5);
        Directory.Move(Path.Combine(data, "dent"), Path.Combine(data, "Dent"));

        var result = CliRunner.Run("evaluate", "--bundle", _bundle.BundleDirectory, "--data", data);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("class folder 'Dent' (did you mean \"dent\"?) is not a class of the bundle", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    // Zero weights and a large bias for one class: whatever the features, that class wins.
    private static float[] AlwaysClass(NamedTensor parameter, int classIndex)
    {
        var data = new float[parameter.Data.Length];
        if (parameter.Shape.Length == 1)
        {
            data[classIndex] = 20;
        }

        return data;
    }
}
