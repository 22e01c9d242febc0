using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Testing;
using EdgeTransfer.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Cli.Tests;

public class ExportCommandTests : IClassFixture<PreparedBundleFixture>
{
    private readonly PreparedBundleFixture _bundle;

    public ExportCommandTests(PreparedBundleFixture bundle) => _bundle = bundle;

    [Theory]
    [InlineData("float", "backbone.onnx")]
    [InlineData("int8", "backbone.int8.onnx")]
    public void Export_GivesTheSameProbabilities_AsBackbonePlusHeadRunSeparately(string backbone, string backboneFile)
    {
        // Given a trained-looking checkpoint (random, non-zero biases) for the bundle's head
        using var dir = new TempDirectory();
        var bundle = BundleReader.Open(_bundle.BundleDirectory);
        var initial = bundle.ReadCheckpoint();
        var random = new Random(3);
        var trained = new HeadCheckpoint([.. initial.Parameters.Select(p => new NamedTensor(p.Name, p.Shape, [.. p.Data.Select(v => v + (float)(random.NextDouble() - 0.5) * 0.1f)]))]);
        var checkpointPath = dir.Combine("trained.etck");
        CheckpointFile.Write(checkpointPath, trained);

        // When it is exported into one model
        var output = dir.Combine("model.onnx");
        var result = CliRunner.Run("export", "--bundle", _bundle.BundleDirectory, "--checkpoint", checkpointPath, "--backbone", backbone, "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());

        // Then the one model and backbone → head predictor agree on a batch of 2
        var input = new float[2 * 3 * 224 * 224];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 200) - 100);
        }

        var tensor = new DenseTensor<float>(input, [2, 3, 224, 224]);
        using var exported = new InferenceSession(output);
        using var exportedResults = exported.Run([NamedOnnxValue.CreateFromTensor("Input247", tensor)]);
        var probabilities = exportedResults.Single(r => r.Name == "probabilities").AsEnumerable<float>().ToArray();

        using var backboneSession = new InferenceSession(Path.Combine(_bundle.BundleDirectory, backboneFile));
        using var features = backboneSession.Run([NamedOnnxValue.CreateFromTensor("Input247", tensor)]);
        using var predictor = HeadPredictor.Load(bundle.GetPath("inference-model"), trained);
        var expected = predictor.Predict(features[0].AsEnumerable<float>().ToArray());

        Assert.Equal(expected.Length, probabilities.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], probabilities[i], 1e-4f);
        }
    }

    [OnnxCheckerFact]
    public void Export_WritesAModelThatPassesTheOnnxChecker()
    {
        using var dir = new TempDirectory();
        var output = dir.Combine("model.onnx");

        var result = CliRunner.Run("export", "--bundle", _bundle.BundleDirectory, "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Null(OnnxChecker.Check(output));
    }

    [Fact]
    public void Export_Exits1_WhenTheCheckpointBelongsToAnotherHead()
    {
        // Given a checkpoint whose weight has the wrong number of classes
        using var dir = new TempDirectory();
        var wrong = new HeadCheckpoint([new NamedTensor("head.weight", [512, 5], new float[512 * 5]), new NamedTensor("head.bias", [5], new float[5])]);
        var path = dir.Combine("wrong.etck");
        CheckpointFile.Write(path, wrong);

        var result = CliRunner.Run("export", "--bundle", _bundle.BundleDirectory, "--checkpoint", path, "--out", dir.Combine("model.onnx"));

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("head.weight", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("model.onnx")));
    }
}
