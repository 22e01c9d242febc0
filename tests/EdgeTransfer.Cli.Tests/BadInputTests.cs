using EdgeTransfer.Testing;

namespace EdgeTransfer.Cli.Tests;

/// <summary>Every bad input of issue 2: a clear error naming the input and the reason, and no partial output.</summary>
public class BadInputTests
{
    [Fact]
    public void Prepare_FailsWithExit1_WhenTheModelFileIsMissing()
    {
        using var dir = new TempDirectory();
        var result = Prepare(dir, dir.Combine("nope.onnx"));
        AssertFailed(result, ExitCodes.Failure, dir, "nope.onnx", "does not exist");
    }

    [Fact]
    public void Prepare_FailsWithExit1_WhenTheModelFileIsEmpty()
    {
        using var dir = new TempDirectory();
        var model = ModelBeside(dir, []);
        AssertFailed(Prepare(dir, model), ExitCodes.Failure, dir, "model.onnx", "empty");
    }

    [Fact]
    public void Prepare_FailsWithExit1_WhenTheModelFileIsTruncated()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(PretrainedModels.ResNet18);
        var model = ModelBeside(dir, bytes[..(bytes.Length / 2)]);
        AssertFailed(Prepare(dir, model), ExitCodes.Failure, dir, "model.onnx", "truncated");
    }

    [Fact]
    public void Prepare_FailsWithExit1_WhenTheModelFileIsNotOnnx()
    {
        using var dir = new TempDirectory();
        var model = ModelBeside(dir, "this is a text file, not a model\n"u8.ToArray());
        var result = Prepare(dir, model);
        AssertFailed(result, ExitCodes.Failure, dir, "model.onnx", "not");
    }

    [Fact]
    public void Prepare_FailsWithExit1_WhenTheProtobufIsNotAModel()
    {
        // Given a valid protobuf that is a TensorProto, not a ModelProto
        using var dir = new TempDirectory();
        var tensor = EdgeTransfer.Onnx.Tensors.TensorProtos.FromFloats("x", [2], [1f, 2f]);
        var model = ModelBeside(dir, Google.Protobuf.MessageExtensions.ToByteArray(tensor));
        AssertFailed(Prepare(dir, model), ExitCodes.Failure, dir, "model.onnx", "model");
    }

    [Fact]
    public void Prepare_SuggestsCloseNames_WhenTheCutTensorDoesNotExist()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("prepare", "--classes", "a,b", "--cut", "Pooling395_Output", "--out", dir.Combine("out"));
        AssertFailed(result, ExitCodes.Failure, dir, "Pooling395_Output", "Pooling395_Output_0");
    }

    [Fact]
    public void Prepare_SuggestsCloseNames_WhenAPatchLayerDoesNotExist()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("prepare", "--classes", "a,b", "--patch-layers", "ReLU315_Output_0,ReLU347_Output", "--out", dir.Combine("out"));
        AssertFailed(result, ExitCodes.Usage, dir, "--patch-layers", "'ReLU347_Output' is not a feature map [N,C,H,W] of the backbone. Did you mean 'ReLU347_Output_0'");
    }

    [Theory]
    [InlineData("good", "at least two classes")]
    [InlineData("good,good", "more than once")]
    [InlineData("good,Good", "more than once")]
    [InlineData("good,,dent", "empty")]
    [InlineData("good,../etc", "not allowed")]
    public void Prepare_FailsWithExit2_WhenTheClassesAreInvalid(string classes, string reason)
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("prepare", "--classes", classes, "--out", dir.Combine("out"));
        AssertFailed(result, ExitCodes.Usage, dir, "--classes", reason);
    }

    [Fact]
    public void Prepare_FailsWithExit2_AndKeepsTheFolder_WhenTheOutputExistsAndIsNotEmpty()
    {
        // Given an output folder that holds somebody's file
        using var dir = new TempDirectory();
        var output = dir.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "keep me");

        // When prepare is pointed at it without --force
        var result = CliRunner.Run("prepare", "--classes", "a,b", "--out", output);

        // Then it refuses, names the folder and --force, and the file is untouched
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--force", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "notes.txt")));
    }

    [Fact]
    public void Prepare_FailsWithExit2_OnAnUnknownOption()
    {
        var result = CliRunner.Run("prepare", "--classes", "a,b", "--out", "x", "--colour", "blue");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--colour", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--head", "conv", "--head")]
    [InlineData("--head", "mlp:0", "--head")]
    [InlineData("--optimizer", "rmsprop", "optimizer")]
    [InlineData("--calibration", "/definitely/not/here", "--calibration")]
    public void Prepare_FailsWithExit2_OnABadOptionValue(string option, string value, string named)
    {
        using var dir = new TempDirectory();
        var args = new List<string> { "prepare", "--classes", "a,b", "--out", dir.Combine("out"), option, value };
        if (option == "--calibration")
        {
            args.AddRange(["--quantize", "int8"]);
        }

        var result = CliRunner.Run([.. args]);
        AssertFailed(result, ExitCodes.Usage, dir, named, value.Split(':')[0]);
    }

    [Fact]
    public void Help_ListsTheCommands_AndExits0()
    {
        var result = CliRunner.Run("--help");
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (var command in new[] { "prepare", "bundle", "export", "synth" })
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
    }

    private static CliResult Prepare(TempDirectory dir, string model) =>
        CliRunner.Run("prepare", "--model", model, "--classes", "good,scratch,dent", "--out", dir.Combine("out"));

    // A model file with the ResNet18 spec beside it, so that the spec is found and the model is what fails.
    private static string ModelBeside(TempDirectory dir, byte[] bytes)
    {
        var path = dir.Combine("model.onnx");
        File.WriteAllBytes(path, bytes);
        var spec = File.ReadAllText(PretrainedModels.ResNet18Spec).Replace("\"ResNet18.onnx\"", "\"model.onnx\"", StringComparison.Ordinal);
        File.WriteAllText(dir.Combine("spec.json"), spec);
        File.Copy(PretrainedModels.ResNetPreprocess, dir.Combine("ResNetPreprocess.onnx"));
        return path;
    }

    private static void AssertFailed(CliResult result, int exitCode, TempDirectory dir, string names, string reason)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(names, result.Error, StringComparison.Ordinal);
        Assert.Contains(reason, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);

        // No partial output: neither the bundle nor a staging folder is left.
        Assert.False(Directory.Exists(dir.Combine("out")), "a partial bundle was left behind");
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*staging*"));
    }
}
