using EdgeTransfer.Preparation;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;
using SixLabors.ImageSharp;

namespace EdgeTransfer.Device.Tests;

/// <summary><c>inspection.mode</c> (issue 10): the anomaly model decides, from the same backbone run as the head.</summary>
public class InspectionModeTests : IClassFixture<BundleFixture>
{
    private readonly BundleFixture _bundle;

    public InspectionModeTests(BundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void AnomalyMode_WithoutAFittedModel_RefusesToInspect_AndSaysHowToFit()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "mode": "anomaly" }""");
        var image = WritePart(device.Combine("part.png"), "good", 1);

        var infer = device.Run("infer", image);
        var status = device.Run("status");

        Assert.Equal(DeviceExitCodes.Usage, infer.ExitCode);
        Assert.Contains("inspection.mode", infer.Error, StringComparison.Ordinal);
        Assert.Contains("needs a fitted anomaly model", infer.Error, StringComparison.Ordinal);
        Assert.Contains("edgetransfer-device fit --data", infer.Error, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("mode       anomaly", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothMode_VerdictsCarryTheScoreAndMap_DefectsScoreHigher_AndAFitGoesIntoService()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "mode": "both", "anomaly": { "includeMap": true } }""");
        var good = device.Combine("good");
        Directory.CreateDirectory(good);
        for (var i = 0; i < 12; i++)
        {
            WritePart(Path.Combine(good, $"good-{i}.png"), "good", i);
        }

        await using var host = DeviceHost.Open(DeviceConfigFile.Load(device.ConfigPath, checkFiles: false));
        Assert.Equal("a0001", host.Anomaly.Fit(good).Promoted!.Name);

        // When new good parts and parts with defects are inspected
        var goodVerdicts = Enumerable.Range(50, 4).Select(i => host.Infer(WritePart(device.Combine($"new-good-{i}.png"), "good", i))).ToList();
        var defectVerdicts = new[] { "hole", "scratch", "stain", "dent" }.Select((kind, i) => host.Infer(WritePart(device.Combine($"{kind}.png"), kind, 60 + i))).ToList();

        // Then each verdict carries the score, the threshold and the 28×28 map, and the anomaly model decides
        foreach (var verdict in goodVerdicts.Concat(defectVerdicts))
        {
            var anomaly = verdict.Anomaly!;
            Assert.Equal("a0001", anomaly.ModelVersion);
            Assert.Equal(28 * 28, anomaly.Map!.Length);
            Assert.Equal(anomaly.IsAnomalous, verdict.Rejects);
            Assert.Equal(anomaly.RawScore > anomaly.Threshold, anomaly.IsAnomalous);
            Assert.Equal(anomaly.IsAnomalous ? VerdictOutcome.Defect : VerdictOutcome.Good, verdict.Outcome);
            Assert.NotEqual(anomaly.IsAnomalous, verdict.ClassName == "good");
        }

        Assert.True(defectVerdicts.Average(v => v.Anomaly!.Score) > goodVerdicts.Average(v => v.Anomaly!.Score), "defects should score higher than good parts on average");

        // And a second fit is in service for the next frame, without a restart
        Assert.Equal("a0002", host.Anomaly.Fit(good).Promoted!.Name);
        Assert.Equal("a0002", host.Infer(device.Combine("hole.png")).Anomaly!.ModelVersion);
        Assert.Equal("a0002", host.Pipeline.AnomalyModelVersion);

        // And a model file damaged on the disk while the device runs changes nothing: the verified model in memory serves
        var path = host.Anomaly.Registry.Current!.Path;
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var after = host.Infer(device.Combine("hole.png"));
        Assert.Equal("a0002", after.Anomaly!.ModelVersion);
        Assert.Equal(after.Anomaly.Threshold, host.Anomaly.Model!.Threshold.Value);
    }

    [Fact]
    public async Task AnomalyFit_WhileInspecting_BorrowsThePipelinesBackbone_AndFitsTheSameModelAsItsOwnSession()
    {
        // Given a device in mode "both" (its inspection backbone has the patch maps) and 12 good parts
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "mode": "both" }""");
        var good = device.Combine("good");
        Directory.CreateDirectory(good);
        for (var i = 0; i < 12; i++)
        {
            WritePart(Path.Combine(good, $"good-{i}.png"), "good", i);
        }

        await using var host = DeviceHost.Open(DeviceConfigFile.Load(device.ConfigPath, checkFiles: false));
        Assert.Same(host.Pipeline, host.Anomaly.SharedBackbone);

        // When it fits through the pipeline's backbone, then again with a backbone session of its own
        var borrowed = host.Anomaly.Fit(good).Fit;
        host.Anomaly.SharedBackbone = null;
        var own = host.Anomaly.Fit(good).Fit;

        // Then both read the same maps: the same bank, threshold and held-out scores
        Assert.Equal(own.Model.Bank.Rows, borrowed.Model.Bank.Rows);
        Assert.Equal(own.Threshold.Value, borrowed.Threshold.Value);
        Assert.Equal(own.HeldOutScores, borrowed.HeldOutScores);
    }

    [Fact]
    public void ClassifyMode_VerdictsHaveNoAnomalyPart()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var image = WritePart(device.Combine("part.png"), "good", 1);

        var infer = device.Run("infer", image);

        Assert.True(infer.ExitCode == 0, infer.ToString());
        Assert.DoesNotContain("anomaly ", infer.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10_001)]
    public async Task AMinimumSetInCode_OutOfRange_IsRefusedAtTheFit_NamingTheDeviceJsonKey(int minimum)
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var good = device.Combine("good");
        Directory.CreateDirectory(good);
        WritePart(Path.Combine(good, "good-0.png"), "good", 0);
        var options = DeviceConfigFile.Load(device.ConfigPath, checkFiles: false);
        await using var host = DeviceHost.Open(options);

        // A host that builds its options in code and changes them after validation
        options.Inspection.Anomaly.MinGoodParts = minimum;
        var error = Assert.Throws<InvalidSettingException>(() => host.Anomaly.Fit(good));

        Assert.Contains("inspection.anomaly.minGoodParts", error.Message, StringComparison.Ordinal);
        Assert.Null(host.Anomaly.Registry.Current);
    }

    [Theory]
    [InlineData("targetFalseRejectRate", "0.7")]
    [InlineData("minGoodParts", "1")]
    [InlineData("minGoodParts", "10001")]
    public void ABadAnomalySetting_IsRefused_NamingTheKey(string key, string value)
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, $$""", "inspection": { "anomaly": { "{{key}}": {{value}} } }""");

        var status = device.Run("status");

        Assert.Equal(DeviceExitCodes.Usage, status.ExitCode);
        Assert.Contains($"inspection.anomaly.{key}", status.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", status.Error, StringComparison.Ordinal);
    }

    internal static string WritePart(string path, string kind, int index)
    {
        using var part = new SyntheticPartGenerator(11).Generate(kind, index, 224);
        part.SaveAsPng(path);
        return path;
    }
}

/// <summary>A bundle prepared with <c>--patch-layers none</c>: no anomaly detection possible.</summary>
public sealed class NoPatchBundleFixture : IDisposable
{
    private readonly TempDirectory _root = new();

    public NoPatchBundleFixture()
    {
        BundleDirectory = _root.Combine("bundle");
        BundlePreparer.Prepare(new PrepareOptions
        {
            Classes = ["good", "scratch"],
            OutputDirectory = BundleDirectory,
            PatchLayers = "none",
            Quantize = new QuantizeOptions { MaxImages = 4 },
        });
    }

    public string BundleDirectory { get; }

    public void Dispose() => _root.Dispose();
}

public class NoPatchFeaturesTests : IClassFixture<NoPatchBundleFixture>
{
    private readonly NoPatchBundleFixture _bundle;

    public NoPatchFeaturesTests(NoPatchBundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Fit_OnABundleWithoutPatchFeatures_SaysToPrepareItAgain()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        Directory.CreateDirectory(device.Combine("good"));
        for (var i = 0; i < 3; i++)
        {
            InspectionModeTests.WritePart(device.Combine("good", $"g{i}.png"), "good", i);
        }

        var fit = device.Run("fit", "--data", device.Combine("good"));
        var status = device.Run("status");

        Assert.Equal(DeviceExitCodes.Failure, fit.ExitCode);
        Assert.Contains("has no patch features", fit.Error, StringComparison.Ordinal);
        Assert.Contains("--patch-layers", fit.Error, StringComparison.Ordinal);
        Assert.Contains("anomaly    unavailable", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnomalyMode_OnABundleWithoutPatchFeatures_IsAConfigurationError()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, """, "inspection": { "mode": "both" }""");

        var status = device.Run("status");

        Assert.Equal(DeviceExitCodes.Usage, status.ExitCode);
        Assert.Contains("inspection.mode", status.Error, StringComparison.Ordinal);
        Assert.Contains("needs a bundle with patch features", status.Error, StringComparison.Ordinal);
    }
}
