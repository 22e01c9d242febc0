using System.Text.Json.Nodes;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class BundleReaderTests
{
    [Fact]
    public void Open_ReturnsManifestAndPathsByRole()
    {
        // Given a bundle with a mean image
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        var written = TestBundles.Write(dir, meanImage: true);

        // When it is opened
        var bundle = BundleReader.Open(dir);

        // Then the manifest equals what was written and every role has its full path
        Assert.Equal(written.ToJson(), bundle.Manifest.ToJson());
        Assert.Equal(Path.Combine(dir, "backbone.onnx"), bundle.GetPath(BundleRoles.Backbone));
        Assert.Equal(7, bundle.PathsByRole.Count);
        Assert.Equal(7, bundle.ReadCheckpoint().Step);
        Assert.Equal(100f, bundle.ReadMeanImage()![0]);
        Assert.Equal(3 * 4 * 4, bundle.ReadMeanImage()!.Length);
        Assert.Empty(bundle.Warnings);
    }

    [Fact]
    public void Open_RejectsTamperedFile_NamingItWithBothHashes()
    {
        // Given a bundle whose backbone changed after it was written (same size)
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        var manifest = TestBundles.Write(dir);
        var backbone = Path.Combine(dir, "backbone.onnx");
        var bytes = File.ReadAllBytes(backbone);
        bytes[3] ^= 0xff;
        File.WriteAllBytes(backbone, bytes);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the file, its actual and its expected short hashes are named, and what to do
        var expected = manifest.FindFile(BundleRoles.Backbone)!.Sha256;
        Assert.Equal("backbone.onnx", error.FileName);
        Assert.Equal($"Bundle '{dir}' is not valid: backbone.onnx has sha256 {Sha256.OfFile(backbone)[..8]}…, manifest says {expected[..8]}…; re-copy the bundle.", error.Message);
    }

    [Fact]
    public void Open_RejectsFileOfOtherSize()
    {
        // Given a bundle whose eval graph was truncated
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        File.WriteAllText(Path.Combine(dir, "eval.onnx"), "x");

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the sizes are named
        Assert.Equal("eval.onnx", error.FileName);
        Assert.Contains("has 1 bytes, manifest says 15", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsMissingFile()
    {
        // Given a bundle with the inference graph deleted
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        File.Delete(Path.Combine(dir, "infer.onnx"));

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the missing file is named
        Assert.Equal("infer.onnx", error.FileName);
        Assert.Contains("is missing", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsMissingManifest_AndMissingDirectory()
    {
        // Given an empty directory and a path with nothing
        using var temp = new TempDirectory();

        // When they are opened
        var noManifest = Assert.Throws<BundleException>(() => BundleReader.Open(temp.Path));
        var noDirectory = Assert.Throws<BundleException>(() => BundleReader.Open(temp.Combine("nothing")));

        // Then each error says why
        Assert.Equal(BundleManifest.FileName, noManifest.FileName);
        Assert.Contains("is missing", noManifest.Reason, StringComparison.Ordinal);
        Assert.Contains("does not exist", noDirectory.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ListsUnexpectedFilesAsWarnings_NotErrors()
    {
        // Given a bundle with a file the manifest does not list
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        Directory.CreateDirectory(Path.Combine(dir, "notes"));
        File.WriteAllText(Path.Combine(dir, "notes", "readme.txt"), "hi");

        // When it is opened
        var bundle = BundleReader.Open(dir);

        // Then it opens, with one warning naming the file
        Assert.Equal(["notes/readme.txt is not listed in the manifest; it is ignored."], bundle.Warnings);
    }

    [Fact]
    public void Open_RejectsCheckpointThatDoesNotMatchTheHead()
    {
        // Given a bundle whose checkpoint (rehashed in the manifest) has a head for 2 classes
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        var checkpoint = Path.Combine(dir, "checkpoint.etck");
        CheckpointFile.Write(checkpoint, new HeadCheckpoint(
            [new NamedTensor("head.weight", [TestBundles.FeatureSize, 2], new float[TestBundles.FeatureSize * 2]), new NamedTensor("head.bias", [2], new float[2])]));
        RewriteManifest(dir, m => Entry(m, "checkpoint.etck")["sha256"] = Sha256.OfFile(checkpoint));
        RewriteManifest(dir, m => Entry(m, "checkpoint.etck")["bytes"] = new FileInfo(checkpoint).Length);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then both sides are shown
        Assert.Equal("checkpoint.etck", error.FileName);
        Assert.Contains("head.weight [4,2]", error.Reason, StringComparison.Ordinal);
        Assert.Contains("head.weight [4,3]", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.onnx")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\windows\\system.ini")]
    [InlineData("sub/../../x")]
    [InlineData("C:\\x")]
    [InlineData("a/./b")]
    public void Open_RejectsManifestPathThatEscapesTheBundle(string path)
    {
        // Given a bundle whose manifest points a file outside the directory
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        RewriteManifest(dir, m => Entry(m, "backbone.onnx")["path"] = path);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the manifest is rejected at that key
        Assert.Equal(BundleManifest.FileName, error.FileName);
        Assert.Contains("'files[0].path'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("may not point outside its bundle", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsSymbolicLinkInTheBundle()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating links needs privileges there
        }

        // Given a bundle whose backbone was replaced by a link to a file outside with the same content
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        var backbone = Path.Combine(dir, "backbone.onnx");
        var outside = temp.Combine("outside.onnx");
        File.Move(backbone, outside);
        File.CreateSymbolicLink(backbone, outside);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the link is refused
        Assert.Equal("backbone.onnx", error.FileName);
        Assert.Contains("symbolic link", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsNewerFormatVersion_SayingWhatToDo()
    {
        // Given a bundle from a newer format
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        RewriteManifest(dir, m => m["formatVersion"] = BundleManifest.CurrentFormatVersion + 1);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the versions are named with advice
        Assert.Contains("format version 4; this software reads versions 1 to 3. Update the device software", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsManifestThatIsNotJson()
    {
        // Given a bundle with a damaged manifest
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        File.WriteAllText(Path.Combine(dir, BundleManifest.FileName), "{ \"formatVersion\": 1, ");

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the error says the JSON is not valid
        Assert.Contains("is not valid JSON", error.Reason, StringComparison.Ordinal);
    }

    internal static void RewriteManifest(string dir, Action<JsonObject> change)
    {
        var path = Path.Combine(dir, BundleManifest.FileName);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(root);
        File.WriteAllText(path, root.ToJsonString());
    }

    internal static JsonObject Entry(JsonObject manifest, string path) =>
        manifest["files"]!.AsArray().Select(f => f!.AsObject()).Single(f => (string?)f["path"] == path);
}
