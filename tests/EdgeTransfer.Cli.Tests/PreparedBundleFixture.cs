using EdgeTransfer.Testing;

namespace EdgeTransfer.Cli.Tests;

/// <summary>One int8 bundle of the embedded ResNet18, prepared once for the tests that only read it.</summary>
public sealed class PreparedBundleFixture : IDisposable
{
    private readonly TempDirectory _root = new();

    public PreparedBundleFixture()
    {
        BundleDirectory = _root.Combine("bundle");
        var result = CliRunner.Run("prepare", "--classes", "good,scratch,dent", "--quantize", "int8", "--calibration-images", "16", "--out", BundleDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("prepare failed: " + result);
        }

        PrepareOutput = result.Output;
    }

    public string BundleDirectory { get; }

    public string PrepareOutput { get; }

    public string Combine(params string[] parts) => _root.Combine(parts);

    public void Dispose() => _root.Dispose();
}
