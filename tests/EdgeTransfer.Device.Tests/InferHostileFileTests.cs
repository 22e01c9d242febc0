using EdgeTransfer.Testing;

namespace EdgeTransfer.Device.Tests;

/// <summary><c>infer</c> on paths that are not image files: a clear error on stderr naming the path, exit 2, no hang, no huge read.</summary>
public class InferHostileFileTests : IClassFixture<BundleFixture>
{
    private readonly BundleFixture _bundle;

    public InferHostileFileTests(BundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Infer_OfADirectory_SaysItIsADirectory()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var folder = device.Combine("frames");
        Directory.CreateDirectory(folder);

        var result = device.Run("infer", folder);

        AssertRefused(result, folder, "is a directory, not a file");
    }

    [LinuxFact]
    public void Infer_OfDevZero_IsRefusedAsACharacterDevice()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);

        var result = HostileFiles.Within(() => device.Run("infer", HostileFiles.DevZero));

        AssertRefused(result, HostileFiles.DevZero, "character device");
    }

    [LinuxFact]
    public void Infer_OfAFifo_IsRefusedWithoutWaitingForAWriter()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var fifo = HostileFiles.Fifo(device.Combine("frame.png"));

        var result = HostileFiles.Within(() => device.Run("infer", fifo));

        AssertRefused(result, fifo, "FIFO");
    }

    [LinuxFact]
    public void Infer_OfASparseFileBeyondTheLimit_IsRefusedBeforeReadingIt()
    {
        using var device = new DeviceFolder(_bundle.BundleDirectory);
        var huge = HostileFiles.Sparse(device.Combine("huge.png"), 3L << 30);

        var result = device.Run("infer", huge);

        AssertRefused(result, huge, $"it is {3L << 30} bytes, more than the limit");
    }

    private static void AssertRefused(DeviceResult result, string path, string reason)
    {
        Assert.True(result.ExitCode == DeviceExitCodes.Usage, result.ToString());
        Assert.Contains($"'{path}' cannot be inspected: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("error", result.Output, StringComparison.OrdinalIgnoreCase);
    }
}
