using System.Text.Json;

namespace EdgeTransfer.Device.Tests;

/// <summary>
/// The runtime settings edgetransfer-device is built with (src/EdgeTransfer.Device/EdgeTransfer.Device.csproj): with
/// dynamic PGO on, a tier-1 recompilation in the trimmed program grew to gigabytes (docs/benchmarks.md, issue 14).
/// </summary>
public sealed class DeviceRuntimeConfigTests
{
    [Fact]
    public void DeviceProgram_RunsWithoutDynamicPgo_OnTheNonConcurrentGc()
    {
        // Given the runtimeconfig the build wrote beside the device program
        var path = Path.Combine(AppContext.BaseDirectory, "edgetransfer-device.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        // When its runtime settings are read
        // Then dynamic PGO is off, and the GC runs without a background thread
        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
