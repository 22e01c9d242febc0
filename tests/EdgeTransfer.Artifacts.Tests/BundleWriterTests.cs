using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class BundleWriterTests
{
    [Fact]
    public void Commit_WritesManifestWithHashAndSizeOfEveryFile()
    {
        // Given a writer with all files of a bundle
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");

        // When it commits
        var manifest = TestBundles.Write(output);

        // Then every file is listed with its true sha256 and size, the manifest is on disk, and no staging folder is left
        Assert.Equal(6, manifest.Files.Count);
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(output, file.Path);
            Assert.Equal(Sha256.OfFile(path), file.Sha256);
            Assert.Equal(new FileInfo(path).Length, file.Bytes);
        }

        Assert.True(File.Exists(Path.Combine(output, BundleManifest.FileName)));
        Assert.Equal(manifest.ToJson(), BundleReader.ReadManifest(output).ToJson());
        Assert.Empty(TestBundles.HiddenSiblings(output));
    }

    [Fact]
    public void AddFile_StagesInHiddenSiblingDirectory_UntilCommit()
    {
        // Given a writer that has added a file
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");
        using var writer = new BundleWriter(output);
        writer.AddFile("backbone.onnx", BundleRoles.Backbone, "x"u8.ToArray());

        // When nothing is committed yet
        // Then the output does not exist and the file sits in ".line3.staging-…" beside it
        Assert.False(Directory.Exists(output));
        Assert.StartsWith(".line3.staging-", Path.GetFileName(writer.StagingDirectory), StringComparison.Ordinal);
        Assert.Equal(temp.Path, Path.GetDirectoryName(writer.StagingDirectory));
        Assert.True(File.Exists(Path.Combine(writer.StagingDirectory, "backbone.onnx")));
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNothingBehind()
    {
        // Given a writer with files but no commit
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");
        using (var writer = new BundleWriter(output))
        {
            TestBundles.AddGraphs(writer);

            // When it is disposed (twice: dispose is idempotent)
            writer.Dispose();
        }

        // Then neither the output nor a staging directory exists
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void AddFile_ThatThrowsMidWrite_LeavesNoOutputAndNoStaging()
    {
        // Given a prepare that crashes half-way through writing the backbone
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");

        // When the writer is used as a prepare command would (using + exception)
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var writer = new BundleWriter(output);
            writer.AddFile("train.onnx", BundleRoles.TrainingModel, "ok"u8.ToArray());
            writer.AddFile("backbone.onnx", BundleRoles.Backbone, stream =>
            {
                stream.Write(new byte[100_000]);
                throw new InvalidOperationException("simulated crash");
            });
            writer.Commit(TestBundles.Manifest());
        });

        // Then the exception propagates and nothing is left on disk
        Assert.Equal("simulated crash", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void AddFile_ThatThrows_DeletesThePartialFile_AndTheWriterGoesOn()
    {
        // Given a writer whose first attempt at a file fails
        using var temp = new TempDirectory();
        var output = temp.Combine("b");
        using var writer = new BundleWriter(output);
        Assert.Throws<IOException>(() => writer.AddFile("backbone.onnx", BundleRoles.Backbone, s =>
        {
            s.Write([1, 2, 3]);
            throw new IOException("disk hiccup");
        }));

        // When the file is added again and the bundle completed
        writer.AddFile("backbone.onnx", BundleRoles.Backbone, "retry"u8.ToArray());
        writer.AddFile("train.onnx", BundleRoles.TrainingModel, "t"u8.ToArray());
        writer.AddFile("optimizer.onnx", BundleRoles.OptimizerModel, "o"u8.ToArray());
        writer.AddFile("eval.onnx", BundleRoles.EvalModel, "e"u8.ToArray());
        writer.AddFile("infer.onnx", BundleRoles.InferenceModel, "i"u8.ToArray());
        writer.AddFile("checkpoint.etck", BundleRoles.Checkpoint, s => Checkpoints.CheckpointFile.Write(s, TestBundles.Checkpoint()));
        writer.Commit(TestBundles.Manifest());

        // Then the bundle verifies with the retried content
        var bundle = BundleReader.Open(output);
        Assert.Equal("retry", File.ReadAllText(bundle.GetPath(BundleRoles.Backbone)));
    }

    [Fact]
    public void CopyFile_CopiesAndHashesAnExistingFile()
    {
        // Given a source file
        using var temp = new TempDirectory();
        var source = temp.Combine("ResNet18.onnx");
        File.WriteAllBytes(source, [.. Enumerable.Range(0, 300_000).Select(i => (byte)i)]);
        using var writer = new BundleWriter(temp.Combine("out"));

        // When it is copied into the bundle
        var entry = writer.CopyFile("models/backbone.onnx", BundleRoles.Backbone, source);

        // Then the entry has the source's hash and size
        Assert.Equal(Sha256.OfFile(source), entry.Sha256);
        Assert.Equal(300_000, entry.Bytes);
        Assert.Equal("models/backbone.onnx", entry.Path);
    }

    [Fact]
    public void CopyFile_RejectsMissingSource_NamingIt()
    {
        // Given a writer and a source path that does not exist
        using var temp = new TempDirectory();
        using var writer = new BundleWriter(temp.Combine("out"));

        // When it is copied
        var error = Assert.Throws<EdgeTransferException>(() => writer.CopyFile("backbone.onnx", BundleRoles.Backbone, temp.Combine("missing.onnx")));

        // Then the message names the source
        Assert.Contains("missing.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsNonEmptyOutput_WithoutOverwrite()
    {
        // Given an output directory with a file in it
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "keep me");

        // When a writer is created without overwrite
        var error = Assert.Throws<InvalidSettingException>(() => new BundleWriter(output));

        // Then it names --out and suggests --force, and touches nothing
        Assert.Equal("--out", error.Setting);
        Assert.Contains("exists and is not empty; pass --force to replace it", error.Reason, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.Empty(TestBundles.HiddenSiblings(output));
    }

    [Fact]
    public void Constructor_RefusesToReplaceNonBundleDirectory_EvenWithOverwrite()
    {
        // Given a non-empty directory that is not a bundle (a typo pointing at someone's files)
        using var temp = new TempDirectory();
        var output = temp.Combine("home");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "thesis.docx"), "precious");

        // When a writer is created with overwrite
        var error = Assert.Throws<InvalidSettingException>(() => new BundleWriter(output, overwrite: true));

        // Then it refuses, and the files are still there
        Assert.Contains("is not a bundle", error.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "thesis.docx")));
    }

    [Fact]
    public void Constructor_AcceptsAnExistingEmptyDirectory()
    {
        // Given an empty output directory
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");
        Directory.CreateDirectory(output);

        // When a bundle is written there
        TestBundles.Write(output);

        // Then it verifies
        Assert.Equal(3, BundleReader.Open(output).Manifest.Classes.Count);
    }

    [Fact]
    public void Commit_WithOverwrite_ReplacesOldBundleWhole()
    {
        // Given an existing bundle with an extra file
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");
        var first = TestBundles.Write(output);
        File.WriteAllText(Path.Combine(output, "stale.txt"), "old");

        // When a new bundle is written with overwrite
        var second = TestBundles.Write(output, meanImage: true, overwrite: true);

        // Then the new one is in place, nothing of the old one remains, and no aside/staging folder is left
        Assert.NotEqual(first.BundleId, second.BundleId);
        var bundle = BundleReader.Open(output);
        Assert.Equal(second.BundleId, bundle.Manifest.BundleId);
        Assert.False(File.Exists(Path.Combine(output, "stale.txt")));
        Assert.Empty(bundle.Warnings);
        Assert.Empty(TestBundles.HiddenSiblings(output));
    }

    [Fact]
    public void Commit_RejectsInvalidManifest_AndLeavesNoOutput()
    {
        // Given a writer whose manifest lacks the checkpoint file
        using var temp = new TempDirectory();
        var output = temp.Combine("line3");
        using (var writer = new BundleWriter(output))
        {
            writer.AddFile("backbone.onnx", BundleRoles.Backbone, "b"u8.ToArray());

            // When it commits
            var error = Assert.Throws<BundleException>(() => writer.Commit(TestBundles.Manifest()));

            // Then the error names the missing role
            Assert.Contains("role \"training-model\"", error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("../escape.onnx")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("..\\b")]
    [InlineData("C:/x")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("manifest.json")]
    [InlineData("")]
    public void AddFile_RejectsUnsafePath(string path)
    {
        // Given a writer
        using var temp = new TempDirectory();
        using var writer = new BundleWriter(temp.Combine("out"));

        // When a file is added under an unsafe path
        // Then it is refused
        Assert.ThrowsAny<ArgumentException>(() => writer.AddFile(path, BundleRoles.Backbone, "x"u8.ToArray()));
    }

    [Fact]
    public void AddFile_RejectsSecondFileWithSameRole()
    {
        // Given a writer with a backbone
        using var temp = new TempDirectory();
        using var writer = new BundleWriter(temp.Combine("out"));
        writer.AddFile("backbone.onnx", BundleRoles.Backbone, "x"u8.ToArray());

        // When a second file claims the role
        var error = Assert.Throws<ArgumentException>(() => writer.AddFile("other.onnx", BundleRoles.Backbone, "y"u8.ToArray()));

        // Then the first holder is named
        Assert.Contains("backbone.onnx", error.Message, StringComparison.Ordinal);
    }
}
