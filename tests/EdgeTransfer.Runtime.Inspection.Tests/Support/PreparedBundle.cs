using EdgeTransfer.Preparation;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Inspection.Tests.Support;

/// <summary>
/// One small real bundle (ResNet18, float and INT8 backbones, linear head for good/scratch/dent, 8 synthetic
/// calibration images) prepared once for all tests of the collection; about 4 s.
/// </summary>
public sealed class PreparedBundle : IDisposable
{
    public static readonly string[] Classes = ["good", "scratch", "dent"];

    private readonly TempDirectory _temp = new();

    public PreparedBundle()
    {
        Directory = _temp.Combine("bundle");
        BundlePreparer.Prepare(new PrepareOptions
        {
            Classes = Classes,
            OutputDirectory = Directory,
            Quantize = new QuantizeOptions { MaxImages = 8 },
        });
    }

    /// <summary>The bundle directory (do not modify: copy it with <see cref="CopyTo"/>).</summary>
    public string Directory { get; }

    /// <summary>Copies the bundle into <paramref name="destination"/>.</summary>
    public string CopyTo(string destination)
    {
        System.IO.Directory.CreateDirectory(destination);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        return destination;
    }

    public void Dispose() => _temp.Dispose();
}
