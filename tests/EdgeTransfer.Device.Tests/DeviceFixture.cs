using EdgeTransfer.Preparation;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Device.Tests;

/// <summary>An INT8 ResNet18 bundle for four synthetic classes, prepared once per test class.</summary>
public sealed class BundleFixture : IDisposable
{
    private readonly TempDirectory _root = new();

    public BundleFixture()
    {
        BundleDirectory = _root.Combine("bundle");
        BundlePreparer.Prepare(new PrepareOptions
        {
            Classes = ["good", "scratch", "dent", "stain"],
            OutputDirectory = BundleDirectory,
            Quantize = new QuantizeOptions { MaxImages = 16 },
        });
    }

    public string BundleDirectory { get; }

    public void Dispose() => _root.Dispose();
}

/// <summary>A device folder (device.json + state) using the shared bundle and a synthetic line.</summary>
internal sealed class DeviceFolder : IDisposable
{
    private readonly TempDirectory _dir = new();

    public DeviceFolder(string bundleDirectory, string? extraJson = null)
    {
        ConfigPath = _dir.Combine("device.json");
        var bundle = bundleDirectory.Replace("\\", "/", StringComparison.Ordinal);
        File.WriteAllText(ConfigPath, $$"""
            {
              "device": { "id": "test-01", "fleet": "lab" },
              "bundle": { "path": "{{bundle}}" },
              "source": { "kind": "synthetic", "synthetic": { "seed": 3, "rate": 200 } },
              "trigger": { "kind": "free-running", "freeRunning": { "fps": 200 } },
              "store": { "path": "state" }{{extraJson}}
            }
            """);
    }

    public string ConfigPath { get; }

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public DeviceResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = DeviceCli.Run([.. args, "--config", ConfigPath], output, error);
        return new DeviceResult(code, output.ToString(), error.ToString());
    }

    public void Dispose() => _dir.Dispose();
}

internal sealed record DeviceResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
