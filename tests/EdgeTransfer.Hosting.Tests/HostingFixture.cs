using EdgeTransfer.Preparation;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Hosting.Tests;

/// <summary>One INT8 bundle of two classes and a small ImageFolder of synthetic parts, made once for the test class.</summary>
public sealed class HostingFixture : IDisposable
{
    private readonly TempDirectory _root = new();

    public HostingFixture()
    {
        Bundle = _root.Combine("bundle");
        Images = _root.Combine("images");
        string[] classes = ["good", "scratch"];
        BundlePreparer.Prepare(new PrepareOptions { Classes = classes, OutputDirectory = Bundle, Quantize = new QuantizeOptions { MaxImages = 8 } });
        SyntheticDataset.Write(Images, classes, ImagesPerClass, size: 96, seed: 5);
    }

    public const int ImagesPerClass = 3;

    public string Bundle { get; }

    public string Images { get; }

    /// <summary>A copy of the bundle with one byte of its backbone changed: it no longer verifies.</summary>
    public string TamperedCopy(TempDirectory into)
    {
        var copy = into.Combine("tampered");
        foreach (var file in Directory.EnumerateFiles(Bundle, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Bundle, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var backbone = Directory.EnumerateFiles(copy, "*.onnx", SearchOption.AllDirectories).OrderByDescending(f => new FileInfo(f).Length).First();
        using var stream = File.Open(backbone, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = stream.Length / 2;
        var b = stream.ReadByte();
        stream.Position--;
        stream.WriteByte((byte)(b ^ 0xFF));
        return copy;
    }

    public void Dispose() => _root.Dispose();
}
