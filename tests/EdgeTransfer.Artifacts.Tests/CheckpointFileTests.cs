using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class CheckpointFileTests
{
    [Fact]
    public void Write_ThenRead_RestoresEveryTensorStepAndMetadata()
    {
        // Given a checkpoint with parameters, Adam state, a step and metadata
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        var original = TestBundles.Checkpoint();

        // When it is written and read back
        CheckpointFile.Write(path, original);
        var read = CheckpointFile.Read(path);

        // Then everything is bit-exact and in order, and no temporary file is left
        Assert.Equal(original.Step, read.Step);
        Assert.Equal(original.Metadata, read.Metadata);
        Assert.Equal(original.Parameters.Select(p => p.Name), read.Parameters.Select(p => p.Name));
        Assert.Equal(original.OptimizerState.Select(p => p.Name), read.OptimizerState.Select(p => p.Name));
        foreach (var (a, b) in original.Parameters.Concat(original.OptimizerState).Zip(read.Parameters.Concat(read.OptimizerState)))
        {
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Data, b.Data);
        }

        Assert.Equal(["head.etck"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_StartsWithMagicAndVersion_AndEndsWithSha256OfTheRest()
    {
        // Given a written checkpoint
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        CheckpointFile.Write(path, TestBundles.Checkpoint());

        // When its bytes are inspected
        var bytes = File.ReadAllBytes(path);

        // Then the layout is "ETCK", version 1 (LE), and the trailer is the SHA-256 of everything before it
        Assert.Equal("ETCK"u8.ToArray(), bytes[..4]);
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 4));
        Assert.Equal(Sha256.OfBytes(bytes.AsSpan(0, bytes.Length - 32)), Convert.ToHexStringLower(bytes.AsSpan(bytes.Length - 32)));
    }

    [Fact]
    public void Write_ReplacesAnExistingCheckpointWhole()
    {
        // Given an existing checkpoint
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        CheckpointFile.Write(path, TestBundles.Checkpoint());

        // When a checkpoint with another step is written over it
        var next = TestBundles.Checkpoint();
        CheckpointFile.Write(path, new HeadCheckpoint(next.Parameters, next.OptimizerState, 99));

        // Then the new one is read
        Assert.Equal(99, CheckpointFile.Read(path).Step);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(43)]
    [InlineData(200)]
    [InlineData(-1)]
    public void Read_RejectsTruncatedFile_NamingIt(int keep)
    {
        // Given a checkpoint cut short (keep = -1: one byte short)
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        CheckpointFile.Write(path, TestBundles.Checkpoint());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep < 0 ? bytes.Length - 1 : keep)]);

        // When it is read
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));

        // Then the error names the file and says it is truncated or damaged
        Assert.Equal(path, error.CheckpointPath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Matches("empty|truncated|changed", error.Reason);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(-40)]
    [InlineData(-33)]
    [InlineData(-1)]
    public void Read_RejectsFlippedByte_AsChanged(int position)
    {
        // Given a checkpoint with one byte flipped (in the header, the data or the trailer)
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        CheckpointFile.Write(path, TestBundles.Checkpoint());
        var bytes = File.ReadAllBytes(path);
        bytes[position < 0 ? bytes.Length + position : position] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        // When it is read
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));

        // Then the digest mismatch is reported
        Assert.Contains("SHA-256 trailer does not match", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsWrongMagic()
    {
        // Given a file that is not a checkpoint
        using var temp = new TempDirectory();
        var path = temp.Combine("model.onnx");
        File.WriteAllBytes(path, [.. "\x08\x07\x12\x04onnx"u8, .. new byte[64]]);

        // When it is read as one
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));

        // Then the error says it is not an EdgeTransfer checkpoint
        Assert.Contains("does not start with \"ETCK\"", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NeverShowsWhatAFileThatIsNotACheckpointHolds()
    {
        // Given a secret file where a checkpoint should be
        using var temp = new TempDirectory();
        var path = temp.Combine("v0001.etck");
        File.WriteAllText(path, "root:$6$SECRET-HASH:19000:0:99999:7:::" + new string('x', 64));

        // When it is read as one
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));

        // Then the error says what is wrong without quoting a byte of it
        Assert.Contains("does not start with \"ETCK\"", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InsideADirectory_RefusesALinkLeadingOutOfIt()
    {
        // Given a checkpoint-named link in a state folder pointing at a file outside it
        using var temp = new TempDirectory();
        var secret = temp.Combine("shadow");
        File.WriteAllText(secret, "root:secret");
        var state = temp.Combine("state");
        Directory.CreateDirectory(state);
        var link = Path.Combine(state, "v0001.etck");
        File.CreateSymbolicLink(link, secret);

        // When it is read as a state file of that folder
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(link, state));

        // Then the link is refused before its target is read
        Assert.Contains("symbolic link that leads out of", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsOtherVersion()
    {
        // Given a checkpoint whose version field says 2
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        CheckpointFile.Write(path, TestBundles.Checkpoint());
        var bytes = File.ReadAllBytes(path);
        bytes[4] = 2;
        File.WriteAllBytes(path, bytes);

        // When it is read
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));

        // Then the version is named
        Assert.Contains("format version 2", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsHeaderThatDescribesMoreDataThanThereIs_EvenWithAValidDigest()
    {
        // Given a forged file: a header claiming a huge tensor, with a correct trailer
        var header = """{"step":0,"metadata":{},"parameters":[{"name":"w","shape":[4000000000,4000000000]}],"optimizerState":[]}"""u8.ToArray();
        using var body = new MemoryStream();
        body.Write("ETCK"u8);
        body.Write(BitConverter.GetBytes(1u));
        body.Write(BitConverter.GetBytes((uint)header.Length));
        body.Write(header);
        body.Write(new byte[16]);
        var content = body.ToArray();
        byte[] file = [.. content, .. Convert.FromHexString(Sha256.OfBytes(content))];

        // When it is read
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(file, "forged.etck"));

        // Then the reader refuses it without allocating the claimed size
        Assert.Contains("needs more data than the file has", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsMissingFile()
    {
        // Given no file
        using var temp = new TempDirectory();

        // When it is read
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(temp.Combine("none.etck")));

        // Then the error says so
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_KeepsOldCheckpoint_WhenTensorNamesCollide()
    {
        // Given an existing checkpoint and a new one with two tensors of the same name
        using var temp = new TempDirectory();
        var path = temp.Combine("head.etck");
        CheckpointFile.Write(path, TestBundles.Checkpoint());
        var bad = new HeadCheckpoint([new NamedTensor("w", [1], [1f]), new NamedTensor("w", [1], [2f])]);

        // When the bad one is written
        Assert.Throws<ArgumentException>(() => CheckpointFile.Write(path, bad));

        // Then the old checkpoint is still there and readable
        Assert.Equal(7, CheckpointFile.Read(path).Step);
    }
}
