using System.Text.Json;
using EdgeTransfer.Synthetic;
using SixLabors.ImageSharp;

namespace EdgeTransfer.Device.Tests;

/// <summary><c>fit</c> (issue 10): an anomaly model from good parts, on the device, with a real INT8 bundle and ONNX Runtime.</summary>
public class FitCommandTests : IClassFixture<BundleFixture>
{
    private readonly BundleFixture _bundle;

    public FitCommandTests(BundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Fit_PromotesAModelFromGoodParts_TheGateComparesTheNext_AndStatusShowsIt()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var good = WriteParts(device.Combine("good"), "good", 20);
        var defects = WriteParts(device.Combine("defects"), "scratch", 4, first: 100);

        // When a first model is fitted from good parts (with a few defects to measure it)
        var first = device.Run("fit", "--data", good, "--defects", defects);

        // Then it is promoted with its bank, threshold, held-out false rejects and timings
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("images     20 good (16 in the bank, 4 held out)", first.Output, StringComparison.Ordinal);
        Assert.Contains("4 defects", first.Output, StringComparison.Ordinal);
        Assert.Contains("threshold  ", first.Output, StringComparison.Ordinal);
        Assert.Contains("gate       accepted: no anomaly model is in service yet.", first.Output, StringComparison.Ordinal);
        Assert.Contains("result     Promoted: a0001 in service", first.Output, StringComparison.Ordinal);

        // When a second one is fitted on the same parts, as JSON
        var second = device.Run("fit", "--data", good, "--defects", defects, "--json");

        // Then the gate compared it with the model in service on the same held-out parts, measured both the same way
        // (the model in service's own position scale has seen these parts; scored with it, the same model won by 0.25
        // AUROC against itself), and promoted it
        Assert.True(second.ExitCode == 0, second.ToString());
        using var json = JsonDocument.Parse(second.Output);
        var root = json.RootElement;
        Assert.Equal("promoted", root.GetProperty("result").GetString());
        Assert.Equal("a0002", root.GetProperty("inService").GetString());
        Assert.Equal(20, root.GetProperty("trainSamples").GetInt32() + root.GetProperty("heldOutSamples").GetInt32());
        Assert.Equal("held-out", root.GetProperty("calibration").GetString());
        Assert.True(root.GetProperty("bankBytes").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("inServiceFalseRejectRate").ValueKind);
        Assert.Equal(root.GetProperty("imageAuroc").GetDouble(), root.GetProperty("inServiceImageAuroc").GetDouble(), 9);

        var status = device.Run("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("anomaly    a0002 (fitted", status.Output, StringComparison.Ordinal);
        Assert.Contains(", held-out false rejects ", status.Output, StringComparison.Ordinal);

        // And a rollback puts the first model back as a new version; a second has nothing left to go to
        var rollback = device.Run("rollback", "--anomaly");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("rollback   a0002 → a0003 (a copy of a0001)", rollback.Output, StringComparison.Ordinal);
        Assert.Contains("anomaly    a0003 (rollback", device.Run("status").Output, StringComparison.Ordinal);
        var again = device.Run("rollback", "--anomaly");
        Assert.Equal(DeviceExitCodes.Failure, again.ExitCode);
        Assert.Contains("there is no earlier one to roll back to", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_FromFewGoodParts_BanksThemAll_AndTheGateSaysItCannotCompare_InsteadOfGradingTheModelInServiceOnItsOwnParts()
    {
        // Given 6 good parts (too few to hold 3 out) and 2 defects, and a model fitted from them in service
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var good = WriteParts(device.Combine("good"), "good", 6);
        var defects = WriteParts(device.Combine("defects"), "scratch", 2, first: 100);
        var first = device.Run("fit", "--data", good, "--defects", defects);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("images     6 good (all 6 in the bank, each also scored against the others)", first.Output, StringComparison.Ordinal);

        // When the same parts are fitted again
        var second = device.Run("fit", "--data", good, "--defects", defects, "--json");

        // Then the candidate is promoted on its own figures: the parts are in both banks, so no fair comparison exists
        Assert.True(second.ExitCode == 0, second.ToString());
        using var json = JsonDocument.Parse(second.Output);
        var root = json.RootElement;
        Assert.Equal("promoted", root.GetProperty("result").GetString());
        Assert.Equal((6, 0), (root.GetProperty("trainSamples").GetInt32(), root.GetProperty("heldOutSamples").GetInt32()));
        Assert.Equal("leave-one-out", root.GetProperty("calibration").GetString());
        Assert.Contains("too few to hold any out", root.GetProperty("gateReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("inServiceFalseRejectRate").ValueKind);
    }

    [Fact]
    public void Fit_AnMvtecCategory_ReadsItsTrainGood()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        WriteParts(device.Combine("bottle", "train", "good"), "good", 6);

        var result = device.Run("fit", "--data", device.Combine("bottle"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("images     6 good", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WithTooFewGoodImages_SaysHowManyAreNeeded_AndPromotesNothing()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var one = WriteParts(device.Combine("one"), "good", 1);

        var result = device.Run("fit", "--data", one);

        Assert.Equal(DeviceExitCodes.Failure, result.ExitCode);
        Assert.Contains("only 1 good samples", result.Error, StringComparison.Ordinal);
        Assert.Contains("anomaly    none fitted", device.Run("status").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_BelowTheMinimumSetInDeviceJson_IsRefusedNamingTheKey_AndTheModelInServiceStays()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "anomaly": { "minGoodParts": 13 } }""");
        var many = WriteParts(device.Combine("many"), "good", 13);
        var few = WriteParts(device.Combine("few"), "good", 6, first: 50);
        var first = device.Run("fit", "--data", many);
        Assert.True(first.ExitCode == 0, first.ToString());

        // A fit from 6 parts would calibrate each against the others and skip the comparison with the model in service
        var refused = device.Run("fit", "--data", few);

        Assert.Equal(DeviceExitCodes.Failure, refused.ExitCode);
        Assert.Contains("only 6 good images", refused.Error, StringComparison.Ordinal);
        Assert.Contains("inspection.anomaly.minGoodParts in device.json asks for at least 13", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("anomaly    a0001 (fitted", device.Run("status").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WhereUnreadableImagesLeaveFewerThanTheMinimum_SaysSoNamingTheKey()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "anomaly": { "minGoodParts": 13 } }""");
        var folder = WriteParts(device.Combine("good"), "good", 12);
        var png = File.ReadAllBytes(Path.Combine(folder, Directory.GetFiles(folder)[0]));
        File.WriteAllBytes(Path.Combine(folder, "truncated.png"), png[..100]);

        var refused = device.Run("fit", "--data", folder);

        Assert.Equal(DeviceExitCodes.Failure, refused.ExitCode);
        Assert.Contains("Of the 13 good images in", refused.Error, StringComparison.Ordinal);
        Assert.Contains("only 12 could be read; inspection.anomaly.minGoodParts in device.json asks for at least 13", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("anomaly    none fitted", device.Run("status").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OnCopiesOfOneImage_IsRefused_AndTheModelInServiceStays()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var first = device.Run("fit", "--data", WriteParts(device.Combine("good"), "good", 13));
        Assert.True(first.ExitCode == 0, first.ToString());
        var copies = Directory.CreateDirectory(device.Combine("copies")).FullName;
        var original = Directory.GetFiles(device.Combine("good"))[0];
        for (var i = 0; i < 13; i++)
        {
            File.Copy(original, Path.Combine(copies, $"copy-{i:00}.png"));
        }

        // A red-team run promoted 13 copies of one image over a real model: every real good part was then a reject
        var refused = device.Run("fit", "--data", copies);

        Assert.Equal(DeviceExitCodes.Failure, refused.ExitCode);
        Assert.Contains("Of the 13 good samples, 12 are copies of others ('copy-01.png' copies 'copy-00.png', 'copy-02.png' copies 'copy-00.png', ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("1 different part, fewer than the 2 the anomaly model needs", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("anomaly    a0001 (fitted", device.Run("status").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WhereCopiesLeaveFewerDifferentPartsThanTheMinimumInDeviceJson_SaysSoNamingTheKey()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "anomaly": { "minGoodParts": 5 } }""");
        var good = WriteParts(device.Combine("good"), "good", 3);
        for (var i = 0; i < 3; i++)
        {
            File.Copy(Path.Combine(good, "good-001.png"), Path.Combine(good, $"good-1{i}.png"));
        }

        var refused = device.Run("fit", "--data", good);

        Assert.Equal(DeviceExitCodes.Failure, refused.ExitCode);
        Assert.Contains("Of the 6 good images read from", refused.Error, StringComparison.Ordinal);
        Assert.Contains("3 are copies of others ('good-10.png' copies 'good-001.png', ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("which leaves 3 different parts; inspection.anomaly.minGoodParts in device.json asks for at least 5", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WithSomeCopiesAmongDifferentParts_SetsThemAside_AndNamesThem()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var good = WriteParts(device.Combine("good"), "good", 8);
        File.Copy(Path.Combine(good, "good-003.png"), Path.Combine(good, "good-003-again.png"));

        var fit = device.Run("fit", "--data", good);

        Assert.True(fit.ExitCode == 0, fit.ToString());
        Assert.Contains("images     9 good (all 8 in the bank, each also scored against the others), 0 defects, 0 skipped, 1 set aside as copies", fit.Output, StringComparison.Ordinal);
        Assert.Contains("copy       'good-003.png' copies 'good-003-again.png'", fit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WithAnEmptyOrMissingFolderOrAFile_NamesIt()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        Directory.CreateDirectory(device.Combine("empty"));
        File.WriteAllText(device.Combine("empty", "notes.txt"), "not an image");

        var empty = device.Run("fit", "--data", device.Combine("empty"));
        var missing = device.Run("fit", "--data", device.Combine("nowhere"));
        var file = device.Run("fit", "--data", device.Combine("empty", "notes.txt"));

        Assert.Equal(DeviceExitCodes.Failure, empty.ExitCode);
        Assert.Equal(DeviceExitCodes.Failure, file.ExitCode);
        Assert.Contains("empty' cannot be used: it holds no image files", empty.Error, StringComparison.Ordinal);
        Assert.Contains("nowhere' cannot be used: the folder does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Contains("notes.txt' cannot be used: is a file, not a folder", file.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", empty.Error + missing.Error + file.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ATamperedModelInService_IsRefused_AndTheEarlierModelServes()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var good = WriteParts(device.Combine("good"), "good", 6);
        Assert.Equal(0, device.Run("fit", "--data", good).ExitCode);
        Assert.Equal(0, device.Run("fit", "--data", good).ExitCode);

        // When a byte of the model in service changes on the disk
        var path = device.Combine("state", "anomaly", "a0002.etam");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 3] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        // Then it is refused (SHA-256) and the earlier intact model is in service
        var status = device.Run("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("anomaly    a0001 (fitted", status.Output, StringComparison.Ordinal);
        Assert.Contains("a0002.etam: damaged", status.Output, StringComparison.Ordinal);

        // (six parts are too few to hold any out: the figure is of each part scored against the others)
        Assert.Contains(", false rejects, each part against the others, ", status.Output, StringComparison.Ordinal);
    }

    private static string WriteParts(string folder, string kind, int count, int first = 0)
    {
        Directory.CreateDirectory(folder);
        var generator = new SyntheticPartGenerator(11);
        for (var i = first; i < first + count; i++)
        {
            using var part = generator.Generate(kind, i, 224);
            part.SaveAsPng(Path.Combine(folder, $"{kind}-{i:D3}.png"));
        }

        return folder;
    }
}
