using EdgeTransfer.Testing;

namespace EdgeTransfer.Cli.Tests;

public class BundleCommandTests : IClassFixture<PreparedBundleFixture>
{
    private readonly PreparedBundleFixture _bundle;

    public BundleCommandTests(PreparedBundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Verify_Exits0_AndListsEveryFile_ForAnIntactBundle()
    {
        var result = CliRunner.Run("bundle", "verify", _bundle.BundleDirectory);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        foreach (var file in new[] { "backbone.onnx", "backbone.int8.onnx", "train.onnx", "optimizer.onnx", "eval.onnx", "infer.onnx", "checkpoint.etck", "mean_image.f32" })
        {
            Assert.Contains(file, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("train.onnx")]
    [InlineData("backbone.int8.onnx")]
    [InlineData("checkpoint.etck")]
    public void Verify_Exits1_AndNamesTheFile_WhenOneByteOfItChanged(string file)
    {
        // Given a copy of the bundle with one byte of one file flipped
        using var dir = new TempDirectory();
        var copy = CopyBundle(dir);
        var path = Path.Combine(copy, file);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(path, bytes);

        // When it is verified
        var result = CliRunner.Run("bundle", "verify", copy);

        // Then the tampered file is named with both hashes and what to do
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"{file} has sha256", result.Error, StringComparison.Ordinal);
        Assert.Contains("manifest says", result.Error, StringComparison.Ordinal);
        Assert.Contains("re-copy the bundle", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Exits1_AndNamesTheFile_WhenAFileIsMissing()
    {
        using var dir = new TempDirectory();
        var copy = CopyBundle(dir);
        File.Delete(Path.Combine(copy, "eval.onnx"));

        var result = CliRunner.Run("bundle", "verify", copy);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("eval.onnx", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PackAndUnpack_RoundTripsAVerifiedBundle()
    {
        using var dir = new TempDirectory();
        var archive = dir.Combine("bundle.tar.gz");

        var pack = CliRunner.Run("bundle", "pack", _bundle.BundleDirectory, archive);
        var unpack = CliRunner.Run("bundle", "unpack", archive, dir.Combine("unpacked"));
        var verify = CliRunner.Run("bundle", "verify", dir.Combine("unpacked"));

        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(unpack.ExitCode == 0, unpack.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public void Unpack_Exits1_NamingAFileTheManifestDoesNotList_AndWritesNothing()
    {
        // Given the archive of a bundle whose folder also holds a file the manifest does not list, packed by tar
        using var dir = new TempDirectory();
        var copy = CopyBundle(dir);
        File.WriteAllBytes(Path.Combine(copy, "junk.bin"), new byte[256 * 1024]);
        var archive = dir.Combine("bundle.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        {
            System.Formats.Tar.TarFile.CreateFromDirectory(copy, gzip, includeBaseDirectory: false);
        }

        // When it is unpacked
        var unpack = CliRunner.Run("bundle", "unpack", archive, dir.Combine("unpacked"));

        // Then the file is named on stderr, the exit code is 1, and no folder was made
        Assert.True(unpack.ExitCode == ExitCodes.Failure, unpack.ToString());
        Assert.Contains("junk.bin is not listed in the manifest", unpack.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("junk.bin", unpack.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("unpacked")));
    }

    private string CopyBundle(TempDirectory dir)
    {
        var copy = dir.Combine("bundle");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(_bundle.BundleDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
