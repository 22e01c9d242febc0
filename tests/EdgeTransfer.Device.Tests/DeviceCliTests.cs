namespace EdgeTransfer.Device.Tests;

public class DeviceCliTests : IClassFixture<BundleFixture>
{
    private readonly BundleFixture _bundle;

    public DeviceCliTests(BundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void CollectTrainRollback_WorkEndToEnd_OnASyntheticLine()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);

        // Given a fresh device: the initial head from the bundle is in service
        var status = device.Run("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("head       v0001 (initial", status.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^program    edgetransfer-device \d+\.\d+\.\d+\S*, JIT \(\.NET \d+[^)]*\), linux-", status.Output);

        // When it collects labelled parts from the line and trains
        var collect = device.Run("collect", "--label", "auto", "--count", "160");
        Assert.True(collect.ExitCode == 0, collect.ToString());
        Assert.Contains("collected  160 samples", collect.Output, StringComparison.Ordinal);
        var train = device.Run("train");
        Assert.True(train.ExitCode == 0, train.ToString());

        // Then a better head is promoted and survives a restart of the program
        Assert.Contains("result     Promoted", train.Output, StringComparison.Ordinal);
        var after = device.Run("status");
        Assert.Contains("head       v0002 (trained", after.Output, StringComparison.Ordinal);
        Assert.Contains("samples    160", after.Output, StringComparison.Ordinal);

        // And a rollback puts the previous head back as a new version
        var rollback = device.Run("rollback");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("v0002 → v0003 (a copy of v0001)", rollback.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_KeepsTheInitialHead_WhenOnlyOneClassHasSamples()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var collect = device.Run("collect", "--label", "good", "--count", "10");
        Assert.True(collect.ExitCode == 0, collect.ToString());

        var train = device.Run("train");

        Assert.Equal(DeviceExitCodes.Failure, train.ExitCode);
        Assert.Contains("only 'good' has samples", train.Output, StringComparison.Ordinal);
        Assert.Contains("v0001 stays in service", train.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_PrintsAVerdictForAnImage()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var image = device.Combine("part.png");
        using (var part = new EdgeTransfer.Synthetic.SyntheticPartGenerator(5).Generate("dent", 0, 224))
        {
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(part, image);
        }

        var result = device.Run("infer", image);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verdict ", result.Output, StringComparison.Ordinal);
        Assert.Contains("head v0001", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InspectsFramesForAGivenTime()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);

        var result = device.Run("run", "--seconds", "2", "--print-every", "10");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("stopped ", result.Output, StringComparison.Ordinal);
        Assert.Contains("latency    backbone", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""", "training": { "epochs": -3 }""", "training.epochs")]
    [InlineData(""", "trainig": {}""", "trainig")]
    [InlineData(""", "executionProvider": { "kind": "gpu" }""", "executionProvider.kind")]
    public void Commands_Exit2_AndNameTheKey_WhenDeviceJsonIsBad(string extra, string key)
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory, extra);

        var result = device.Run("status");

        Assert.Equal(DeviceExitCodes.Usage, result.ExitCode);
        Assert.Contains(key, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_Exit1_AndNameTheFile_WhenTheBundleWasTampered()
    {
        // Given a copy of the bundle whose int8 backbone lost a byte
        using var device = new DeviceFolder(Path.Combine(Path.GetTempPath(), "unused"));
        var copy = device.Combine("bundle");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(_bundle.BundleDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var path = Path.Combine(copy, "backbone.int8.onnx");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 3] ^= 1;
        File.WriteAllBytes(path, bytes);
        using var tampered = new DeviceFolder(copy);

        // When the device starts
        var result = tampered.Run("status");

        // Then it refuses, naming the file
        Assert.Equal(DeviceExitCodes.Failure, result.ExitCode);
        Assert.Contains("backbone.int8.onnx has sha256", result.Error, StringComparison.Ordinal);
    }
}
