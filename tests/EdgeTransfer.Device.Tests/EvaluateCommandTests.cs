using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Evaluation;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Device.Tests;

public class EvaluateCommandTests : IClassFixture<BundleFixture>
{
    private static readonly string[] Classes = ["good", "scratch", "dent", "stain"];
    private readonly BundleFixture _bundle;

    public EvaluateCommandTests(BundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Evaluate_ReportsOnALabelledFolder_AndAStoredHeadIsNeverPutInService()
    {
        // Given a labelled folder of 12 synthetic parts and one unreadable file
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var data = device.Combine("parts");
        SyntheticDataset.Write(data, Classes, perClass: 3, size: 224, seed: 11);
        File.WriteAllBytes(Path.Combine(data, "good", "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        // When the head in service (the initial v0001) is evaluated
        var table = device.Run("evaluate", "--data", data);
        var first = device.Run("evaluate", "--data", data, "--json");

        // Then every readable part is counted and the unreadable one is skipped with its reason
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("evaluated  12 parts of 4 classes", table.Output, StringComparison.Ordinal);
        Assert.Contains("skipped    1 files:", table.Output, StringComparison.Ordinal);
        Assert.Contains("broken.png: ", table.Output, StringComparison.Ordinal);
        Assert.Contains("confusion matrix", table.Output, StringComparison.Ordinal);
        Assert.True(first.ExitCode == 0, first.ToString());
        var v1 = EvaluationReport.FromJson(first.Output);
        Assert.Equal(("v0001", 12, 1), (v1.Head, v1.Count, v1.Skipped.Count));
        Assert.Equal([3, 3, 3, 3], v1.Classes.Select(c => c.Support));
        Assert.Equal(9, v1.Verdicts.DefectiveParts);

        // And when a head that always says one class (one the initial head does not always say) goes into service as v0002
        var always = Enumerable.Range(0, Classes.Length).First(c => v1.Classes[c].Predicted < v1.Count);
        PromoteHeadThatAlwaysSays(device, always);
        var inService = EvaluationReport.FromJson(device.Run("evaluate", "--data", data, "--json").Output);
        var stored = device.Run("evaluate", "--data", data, "--json", "--head", "v0001");

        // Then the default evaluates v0002, and --head v0001 gives v0001's figures without putting it in service
        Assert.Equal("v0002", inService.Head);
        Assert.Equal(12, inService.Classes[always].Predicted);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        var again = EvaluationReport.FromJson(stored.Output);
        Assert.Equal("v0001", again.Head);
        Assert.Equal(v1.ConfusionMatrix.Select(r => r.ToArray()), again.ConfusionMatrix.Select(r => r.ToArray()));
        Assert.Contains("head       v0002 (", device.Run("status").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NamesClassFoldersThatAreNotTheBundles_WithSuggestions()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var data = device.Combine("parts");
        SyntheticDataset.Write(data, ["good", "scratch"], perClass: 1, size: 64, seed: 1);
        Directory.Move(Path.Combine(data, "scratch"), Path.Combine(data, "scrach"));
        Directory.CreateDirectory(Path.Combine(data, "bolts"));
        File.Copy(Directory.GetFiles(Path.Combine(data, "good"))[0], Path.Combine(data, "bolts", "b.png"));

        var result = device.Run("evaluate", "--data", data);

        Assert.Equal(DeviceExitCodes.Failure, result.ExitCode);
        Assert.Contains("class folders 'bolts', 'scrach' (did you mean \"scratch\"?) are not classes of the bundle", result.Error, StringComparison.Ordinal);
        Assert.Contains("(good, scratch, dent, stain)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RefusesAnEmptyClassFolder_AndAnEmptyDataFolder()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var data = device.Combine("parts");
        SyntheticDataset.Write(data, ["good"], perClass: 1, size: 64, seed: 1);
        Directory.CreateDirectory(Path.Combine(data, "dent"));
        var empty = device.Combine("nothing");
        Directory.CreateDirectory(empty);

        var emptyClass = device.Run("evaluate", "--data", data);
        var emptyFolder = device.Run("evaluate", "--data", empty);

        Assert.Equal(DeviceExitCodes.Failure, emptyClass.ExitCode);
        Assert.Contains("class folder 'dent' holds no image files", emptyClass.Error, StringComparison.Ordinal);
        Assert.Equal(DeviceExitCodes.Failure, emptyFolder.ExitCode);
        Assert.Contains($"'{empty}' cannot be used: it holds no image files", emptyFolder.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SaysWhichFilesCouldNotBeRead_WhenNoneCan()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var data = device.Combine("parts");
        Directory.CreateDirectory(Path.Combine(data, "good"));
        File.WriteAllText(Path.Combine(data, "good", "notes.jpg"), "not an image");

        var result = device.Run("evaluate", "--data", data);

        Assert.Equal(DeviceExitCodes.Failure, result.ExitCode);
        Assert.Contains("none of its 1 image files can be used (1 skipped as unreadable). The first: notes.jpg: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NamesTheVersions_WhenTheHeadVersionDoesNotExist()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var data = device.Combine("parts");
        SyntheticDataset.Write(data, ["good"], perClass: 1, size: 64, seed: 1);

        var result = device.Run("evaluate", "--data", data, "--head", "v0007");

        Assert.Equal(DeviceExitCodes.Usage, result.ExitCode);
        Assert.Contains("there is no head version 'v0007' on this device; it holds v0001 (in service).", result.Error, StringComparison.Ordinal);
    }

    private void PromoteHeadThatAlwaysSays(DeviceFolder device, int classIndex)
    {
        var bundle = BundleReader.Open(_bundle.BundleDirectory);
        using var registry = HeadRegistry.OpenForBundle(device.Combine("state", "heads"), bundle);
        var current = registry.ReadCurrent();
        var head = new HeadCheckpoint([.. current.Parameters.Select(p => new NamedTensor(p.Name, p.Shape, Biased(p, classIndex)))]);
        registry.Promote(head, new HeadMetrics(1, 1, 1, []));
    }

    // Zero weights and a large bias for one class: whatever the features, that class wins.
    private static float[] Biased(NamedTensor parameter, int classIndex)
    {
        var data = new float[parameter.Data.Length];
        if (parameter.Shape.Length == 1)
        {
            data[classIndex] = 20;
        }

        return data;
    }
}
