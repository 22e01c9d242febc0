using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class PackedWeightsFileTests
{
    private static readonly Int4Tensor PerTensor = new("conv_w_quantized", [2, 3, 1, 1], [-7, 0, 7, 1, -1, 3]);

    // Rows of 5 values in groups of 2 (the last group of a row has 1 value); multipliers 1, 16, 3 and 2, 1, 5.
    private static readonly Int4Tensor Grouped = new("grouped", [2, 5], [7, -7, 112, -16, 21, 4, -14, 7, 0, -35], GroupSize: 2);

    [Fact]
    public void WriteThenRead_GivesTheSameValues_PerTensorAndGrouped()
    {
        // Given two tensors, one with group multipliers
        var bytes = Pack(PerTensor, Grouped);

        // When the file is read back
        var read = PackedWeightsFile.Read(bytes, "b", PackedWeightsFile.DefaultFileName);

        // Then names, shapes, group sizes and every value are back, in two bytes per nibble pair
        Assert.Equal(2, read.Count);
        Assert.Equal(PerTensor.Values, read[0].Values);
        Assert.Equal(PerTensor.Dims, read[0].Dims);
        Assert.Equal(Grouped.Values, read[1].Values);
        Assert.Equal(2, read[1].GroupSize);
        Assert.Equal("grouped", read[1].Name);
    }

    [Fact]
    public void Write_RefusesValuesThatAreNotFourBit()
    {
        var error = Assert.Throws<ArgumentException>(() => Pack(new Int4Tensor("w", [2], [8, 1])));

        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
        Assert.Contains("only 4-bit weights can be packed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesATruncatedFile_NamingTheTensor()
    {
        // Given a packed file that lost its last byte
        var bytes = Pack(PerTensor, Grouped);

        // When it is read
        var error = Assert.Throws<BundleException>(() => PackedWeightsFile.Read(bytes.AsSpan(0, bytes.Length - 1), "line3", "backbone.int8.w4"));

        // Then the message names the file, the tensor and what to do
        Assert.Equal("backbone.int8.w4", error.FileName);
        Assert.StartsWith("Bundle 'line3' is not valid: backbone.int8.w4 is truncated in the values of tensor 'grouped'", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("re-copy the bundle or prepare it again.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesTrailingBytes_TheCodeMinus8_AndANewerLayout()
    {
        var bytes = Pack(PerTensor);

        var trailing = Assert.Throws<BundleException>(() => PackedWeightsFile.Read([.. bytes, 0], "b", "w4"));
        var minus8 = bytes.ToArray();
        minus8[^1] = 0x08; // values 5 and 6 of the first tensor: -8 and 0
        var code = Assert.Throws<BundleException>(() => PackedWeightsFile.Read(minus8, "b", "w4"));
        var newer = bytes.ToArray();
        newer[4] = 2;
        var version = Assert.Throws<BundleException>(() => PackedWeightsFile.Read(newer, "b", "w4"));

        Assert.Contains("has 1 bytes after its last tensor", trailing.Reason, StringComparison.Ordinal);
        Assert.Contains("holds the code -8 in tensor 'conv_w_quantized' at value 4", code.Reason, StringComparison.Ordinal);
        Assert.Contains("layout version 2; this software reads version 1. Update the device software", version.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsATamperedPackedFile_ByItsSha256()
    {
        // Given a format-3 bundle with an INT8 backbone and packed weights, one packed byte flipped after writing
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        WritePackedBundle(dir);
        var path = Path.Combine(dir, PackedWeightsFile.DefaultFileName);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x11;
        File.WriteAllBytes(path, bytes);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the packed file is named with both hashes
        Assert.Equal(PackedWeightsFile.DefaultFileName, error.FileName);
        Assert.Contains("has sha256", error.Reason, StringComparison.Ordinal);
        Assert.Contains("re-copy the bundle", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RejectsATruncatedPackedFile_ByItsSize()
    {
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        WritePackedBundle(dir);
        var path = Path.Combine(dir, PackedWeightsFile.DefaultFileName);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^3]);

        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        Assert.Equal(PackedWeightsFile.DefaultFileName, error.FileName);
        Assert.Contains("the copy is incomplete", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBackbone_AppendsThePackedWeights_AndLeavesTheFloatBackboneAlone()
    {
        // Given a format-3 bundle with packed weights
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        WritePackedBundle(dir);
        var bundle = BundleReader.Open(dir);

        // When the backbones are read as ONNX Runtime gets them
        var int8 = bundle.ReadBackbone(BundleRoles.BackboneInt8);
        var fp32 = bundle.ReadBackbone(BundleRoles.Backbone);

        // Then the INT8 one starts with the stored graph and grows by the expanded tensors; the float one is as stored
        Assert.Equal(3, bundle.Manifest.FormatVersion);
        Assert.StartsWith("fake int8 graph", System.Text.Encoding.ASCII.GetString(int8), StringComparison.Ordinal);
        Assert.True(int8.Length > "fake int8 graph".Length + PerTensor.Values.Length + Grouped.Values.Length);
        Assert.Equal("fake backbone graph bytes"u8.ToArray(), fp32);
    }

    [Fact]
    public void Open_RejectsPackedWeightsInAFormat2Manifest()
    {
        // Given a bundle with packed weights whose manifest claims format 2
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        WritePackedBundle(dir);
        BundleReaderTests.RewriteManifest(dir, m => m["formatVersion"] = 2);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the 4-bit quantization section is refused first, naming the format
        Assert.Contains("'quantization.int4Weights'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("in format 2", error.Reason, StringComparison.Ordinal);
    }

    private static byte[] Pack(params Int4Tensor[] tensors)
    {
        using var stream = new MemoryStream();
        PackedWeightsFile.Write(stream, tensors);
        return stream.ToArray();
    }

    private static void WritePackedBundle(string dir)
    {
        using var writer = new BundleWriter(dir);
        TestBundles.AddGraphs(writer);
        writer.AddFile("backbone.int8.onnx", BundleRoles.BackboneInt8, "fake int8 graph"u8.ToArray());
        writer.AddFile(PackedWeightsFile.DefaultFileName, BundleRoles.PackedWeights, Pack(PerTensor, Grouped));
        writer.Commit(TestBundles.Manifest() with
        {
            Quantization = TestBundles.Manifest().Quantization! with { Int4Weights = 2, Int4Rounding = "nearest", Int4GroupSize = 2 },
        });
    }
}
