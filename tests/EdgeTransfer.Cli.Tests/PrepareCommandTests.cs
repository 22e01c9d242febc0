using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Testing;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Cli.Tests;

public class PrepareCommandTests : IClassFixture<PreparedBundleFixture>
{
    private readonly PreparedBundleFixture _bundle;

    public PrepareCommandTests(PreparedBundleFixture bundle) => _bundle = bundle;

    [Fact]
    public void Prepare_WritesABundleThatVerifies_WithEveryRole()
    {
        // Given the bundle prepared from the embedded ResNet18 with three classes
        // When it is opened (which checks every sha256)
        var bundle = BundleReader.Open(_bundle.BundleDirectory);

        // Then it has every role, the classes, and a 512-wide feature tensor
        Assert.Equal(["good", "scratch", "dent"], bundle.Manifest.Classes);
        Assert.Equal(512, bundle.Manifest.Features.Size);
        foreach (var role in new[] { BundleRoles.Backbone, BundleRoles.BackboneInt8, BundleRoles.TrainingModel, BundleRoles.OptimizerModel, BundleRoles.EvalModel, BundleRoles.InferenceModel, BundleRoles.Checkpoint, BundleRoles.MeanImage })
        {
            Assert.True(bundle.TryGetPath(role, out _), $"role {role} missing");
        }

        Assert.NotNull(bundle.Manifest.Quantization);
        Assert.Equal("uint8", bundle.Manifest.Quantization!.ActivationType);
        Assert.Equal(16, bundle.Manifest.Quantization.CalibrationCount);
    }

    [OnnxCheckerFact]
    public void Prepare_EveryOnnxFile_PassesTheOnnxCheckerAndLoadsInOnnxRuntime()
    {
        foreach (var file in Directory.GetFiles(_bundle.BundleDirectory, "*.onnx"))
        {
            // Given each graph of the bundle
            // When the reference checker (full check, strict shape inference) and ORT load it
            var problem = OnnxChecker.Check(file);
            using var session = new InferenceSession(file);

            // Then both accept it
            Assert.True(problem is null, $"{Path.GetFileName(file)}: {problem}");
            Assert.NotEmpty(session.OutputMetadata);
        }
    }

    [Fact]
    public void Prepare_WithInt4Weights_PacksThem_AndTheDeviceBackboneTracksTheInt8One()
    {
        // Given a second bundle prepared like the fixture's, with the five 512×512×3×3 weights 4-bit in groups of 32
        var directory = _bundle.Combine("int4");
        var result = CliRunner.Run("prepare", "--classes", "good,scratch,dent", "--quantize", "int8", "--no-float", "--calibration-images", "16",
            "--int4-min-weights", "2359296", "--int4-group-size", "32", "--out", directory);
        Assert.True(result.ExitCode == 0, result.ToString());

        // When both INT8 backbones run through the device's loader on the same input
        var packed = DeviceBundle.Open(directory, BackboneChoice.Quantized);
        var plain = DeviceBundle.Open(_bundle.BundleDirectory, BackboneChoice.Quantized);
        using var packedSession = packed.CreateBackbone();
        using var plainSession = plain.CreateBackbone();
        var random = new Random(3);
        var input = Enumerable.Range(0, packedSession.ValuesPerImage).Select(_ => (float)((random.NextDouble() * 255) - 120)).ToArray();
        input.CopyTo(packedSession.Input);
        input.CopyTo(plainSession.Input);
        var actual = packedSession.Run().ToArray();
        var expected = plainSession.Run().ToArray();

        // Then the bundle is format 3 with the packed file (4 + 4/32 bits per weight) and a backbone file without those
        // weights, and the features agree with the plain INT8 backbone's
        var manifest = packed.Manifest;
        Assert.Equal(3, manifest.FormatVersion);
        Assert.Equal(5, manifest.Quantization!.Int4Weights);
        Assert.Equal(32, manifest.Quantization.Int4GroupSize);
        var packedFile = manifest.FindFile(BundleRoles.PackedWeights)!;
        Assert.InRange(packedFile.Bytes, 5 * 2_359_296 * 33 / 64, (5 * 2_359_296 * 33 / 64) + 10_000);
        Assert.True(manifest.FindFile(BundleRoles.BackboneInt8)!.Bytes < 5_000_000, "the 4-bit weights are still in backbone.int8.onnx");
        Assert.Contains("packed   5 4-bit weights", result.Output, StringComparison.Ordinal);
        double dot = 0, a2 = 0, b2 = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            (dot, a2, b2) = (dot + ((double)actual[i] * expected[i]), a2 + ((double)actual[i] * actual[i]), b2 + ((double)expected[i] * expected[i]));
        }

        Assert.True(dot / Math.Sqrt(a2 * b2) >= 0.98, $"cosine {dot / Math.Sqrt(a2 * b2):F4} to the plain INT8 features");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void PreparedBackbone_GivesTheOriginalModelsFeatures(int batch)
    {
        // Given the same preprocessed input for the original ResNet18 (batch 1 only) and the bundle's backbone
        var random = new Random(batch);
        var input = new float[batch * 3 * 224 * 224];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 255) - 120);
        }

        using var original = new InferenceSession(PretrainedModels.ResNet18);
        using var prepared = new InferenceSession(Path.Combine(_bundle.BundleDirectory, "backbone.onnx"));

        // When both compute features
        var expected = new List<float>();
        for (var b = 0; b < batch; b++)
        {
            var one = new DenseTensor<float>(input.AsMemory(b * 3 * 224 * 224, 3 * 224 * 224), [1, 3, 224, 224]);
            using var results = original.Run([NamedOnnxValue.CreateFromTensor("Input247", one)]);
            expected.AddRange(results[0].AsEnumerable<float>());
        }

        var all = new DenseTensor<float>(input, [batch, 3, 224, 224]);
        using var actualResults = prepared.Run([NamedOnnxValue.CreateFromTensor("Input247", all)]);
        var actual = actualResults[0].AsEnumerable<float>().ToArray();

        // Then they agree to 1e-3 of the largest feature
        Assert.Equal(expected.Count, actual.Length);
        var scale = expected.Max(Math.Abs);
        var worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(worst <= 1e-3 * scale, $"max abs diff {worst} > 1e-3 × {scale}");
    }

    [Fact]
    public void Prepare_ReportsEveryStepAndTheFiles()
    {
        Assert.Contains("fold-batchnorm", _bundle.PrepareOutput, StringComparison.Ordinal);
        Assert.Contains("opset 8 → 17", _bundle.PrepareOutput, StringComparison.Ordinal);
        Assert.Contains("backbone.int8.onnx", _bundle.PrepareOutput, StringComparison.Ordinal);
    }
}
