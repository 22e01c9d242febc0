using System.Text.Json.Nodes;
using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class PreprocessingSpecTests
{
    private static string ResNet18SpecPath => Path.Combine(TestBundles.RepositoryRoot(), "models", "resnet18", "spec.json");

    private static string PyTorchSpecPath => Path.Combine(TestBundles.RepositoryRoot(), "models", "examples", "pytorch-resnet18.spec.json");

    [Fact]
    public void Load_DescribesMlNetResNet18_FromCommittedSpec()
    {
        // Given the committed spec of ML.NET's ResNet18
        // When it is loaded
        var spec = PreprocessingSpec.Load(ResNet18SpecPath);

        // Then it says BGR 0–255 minus the MeanImage of ResNetPreprocess.onnx, no std, stretch to 224×224
        Assert.Equal("resnet18", spec.Name);
        Assert.Equal("Input247", spec.Input.Name);
        Assert.Equal((3, 224, 224), (spec.Input.Channels, spec.Input.Height, spec.Input.Width));
        Assert.Equal(TensorLayout.Nchw, spec.Input.Layout);
        Assert.Equal(ChannelOrder.Bgr, spec.Input.ChannelOrder);
        Assert.Equal(255f, spec.Input.PixelScale);
        Assert.Equal(new MeanImageSource { Model = "ResNetPreprocess.onnx", Initializer = "MeanImage" }, spec.Input.Mean.Image);
        Assert.True(spec.Input.Mean.IsImage);
        Assert.Null(spec.Input.Std);
        Assert.Equal([1f, 1f, 1f], spec.Input.GetStd());
        Assert.Equal(ResizeMode.Stretch, spec.Input.Resize.Mode);
        Assert.Equal(Interpolation.Bilinear, spec.Input.Resize.Interpolation);
        Assert.Equal("Pooling395_Output_0", spec.FeatureTensor);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(ResNet18SpecPath)!, "ResNetPreprocess.onnx"), spec.ResolveMeanImageModelPath());
        Assert.Equal(Path.Combine(Path.GetDirectoryName(ResNet18SpecPath)!, "ResNet18.onnx"), spec.ResolveModelPath());
    }

    [Fact]
    public void Load_DescribesPyTorchResNet18_WithImageNetMeanAndStd()
    {
        // Given the PyTorch example spec
        // When it is loaded
        var spec = PreprocessingSpec.Load(PyTorchSpecPath);

        // Then it says RGB 0–1, ImageNet mean/std, shorter side 256 then a 224 centre crop
        Assert.Equal(ChannelOrder.Rgb, spec.Input.ChannelOrder);
        Assert.Equal(1f, spec.Input.PixelScale);
        Assert.Equal([0.485f, 0.456f, 0.406f], spec.Input.Mean.PerChannel);
        Assert.False(spec.Input.Mean.IsImage);
        Assert.Equal([0.229f, 0.224f, 0.225f], spec.Input.GetStd());
        Assert.Equal(ResizeMode.ShorterSide, spec.Input.Resize.Mode);
        Assert.Equal(256, spec.Input.Resize.Size);
        Assert.Equal((224, 224), (spec.Input.Height, spec.Input.Width));
    }

    [Fact]
    public void ToJson_ParsesBackToAnEqualSpec()
    {
        // Given both committed specs
        foreach (var path in new[] { ResNet18SpecPath, PyTorchSpecPath })
        {
            var spec = PreprocessingSpec.Load(path);

            // When written and parsed again
            var again = PreprocessingSpec.Parse(spec.ToJson(), "again.json", spec.BaseDirectory);

            // Then nothing is lost (lists compared by content)
            Assert.Equal(spec.ToJson(), again.ToJson());
            Assert.Equal(spec.Input.Resize, again.Input.Resize);
            Assert.Equal(spec.Input.Mean.Image, again.Input.Mean.Image);
        }
    }

    [Theory]
    [InlineData("height-zero", "input.height", "expected a whole number from 1 to 8192, got 0")]
    [InlineData("height-text", "input.height", "expected a whole number, got \"224\"")]
    [InlineData("height-fraction", "input.height", "expected a whole number, got 224.5")]
    [InlineData("height-typo", "input.heigth", "did you mean \"height\"")]
    [InlineData("unknown-top-level", "colour", "is not a known key")]
    [InlineData("name-missing", "input.name", "is missing")]
    [InlineData("name-null", "input.name", "got null")]
    [InlineData("channel-order", "input.channelOrder", "expected one of \"RGB\", \"BGR\", got \"RGBA\"")]
    [InlineData("channel-order-case", "input.channelOrder", "got \"rgb\"")]
    [InlineData("channels", "input.channels", "expected 3")]
    [InlineData("layout", "input.layout", "expected one of \"NCHW\", got \"NHWC\"")]
    [InlineData("pixel-scale", "input.pixelScale", "expected 255 (the model takes values 0–255) or 1 (values 0–1), got 2")]
    [InlineData("mean-count", "input.mean.perChannel", "expected 3 values")]
    [InlineData("mean-scale", "input.mean.perChannel[0]", "check pixelScale")]
    [InlineData("mean-two-kinds", "input.mean", "expected exactly one of perChannel, image or imageFile, got 2")]
    [InlineData("mean-none", "input.mean", "got 0")]
    [InlineData("std-negative", "input.std[1]", "expected a positive number, got -0.2")]
    [InlineData("std-text", "input.std[0]", "expected a number, got \"a\"")]
    [InlineData("std-not-list", "input.std", "expected a list [ … ] of numbers, got 0.2")]
    [InlineData("resize-no-size", "input.resize.size", "is missing")]
    [InlineData("resize-small", "input.resize.size", "from 224 (the crop must fit)")]
    [InlineData("resize-stretch-size", "input.resize.size", "only used with mode \"shorter-side\"")]
    [InlineData("resize-mode", "input.resize.mode", "expected one of \"stretch\", \"shorter-side\", got \"crop\"")]
    [InlineData("interpolation", "input.resize.interpolation", "expected one of \"bilinear\", got \"cubic\"")]
    [InlineData("schema", "schema", "expected \"edgetransfer.preprocess/v1\", got \"edgetransfer.preprocess/v2\"")]
    [InlineData("schema-missing", "schema", "got nothing")]
    [InlineData("duplicate-key", "name", "appears twice")]
    [InlineData("trailing-comma", "(file)", "is not valid JSON")]
    [InlineData("feature-empty", "featureTensor", "expected a tensor name")]
    public void Parse_RejectsBadKey_NamingFileKeyAndReason(string mistake, string key, string reason)
    {
        // Given the valid PyTorch example with one mistake
        var json = WithMistake(File.ReadAllText(PyTorchSpecPath), mistake);

        // When it is parsed
        var error = Assert.Throws<InvalidSettingException>(() => PreprocessingSpec.Parse(json, "spec.json"));

        // Then the error names the file and the key, and says what was expected and found
        Assert.Equal($"spec.json: {key}", error.Setting);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"spec.json: {key}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ListsOnlyRealKeys_WhenAKeyIsUnknown()
    {
        // Given a spec with a typo in a key of "input"
        var json = WithMistake(File.ReadAllText(PyTorchSpecPath), "height-typo");

        // When it is parsed
        var error = Assert.Throws<InvalidSettingException>(() => PreprocessingSpec.Parse(json, "spec.json"));

        // Then the keys a file may carry are listed, not computed properties
        Assert.Contains("the keys of input are name, layout, channels, height, width, channelOrder, pixelScale, mean, std, resize.", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsMissingFile_NamingIt()
    {
        // Given a path where no spec exists
        using var temp = new TempDirectory();
        var path = temp.Combine("nope.json");

        // When it is loaded
        var error = Assert.Throws<InvalidSettingException>(() => PreprocessingSpec.Load(path));

        // Then the error names the path
        Assert.Equal(path, error.Setting);
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesThePathInErrors_AndAcceptsComments()
    {
        // Given a spec file with a comment and a bad width
        using var temp = new TempDirectory();
        var path = temp.Combine("spec.json");
        File.WriteAllText(path, "// my camera\n" + WithMistake(File.ReadAllText(PyTorchSpecPath), "width-huge"));

        // When it is loaded
        var error = Assert.Throws<InvalidSettingException>(() => PreprocessingSpec.Load(path));

        // Then the setting is "<path>: input.width"
        Assert.Equal($"{path}: input.width", error.Setting);
        Assert.Contains("got 22400", error.Reason, StringComparison.Ordinal);
    }

    private static string WithMistake(string json, string mistake)
    {
        if (mistake == "trailing-comma")
        {
            return json.Replace("\"channels\": 3,", "\"channels\": 3,,", StringComparison.Ordinal);
        }

        if (mistake == "duplicate-key")
        {
            return json.Replace("\"name\": \"pytorch-resnet18\",", "\"name\": \"a\", \"name\": \"b\",", StringComparison.Ordinal);
        }

        var root = JsonNode.Parse(json)!.AsObject();
        var input = root["input"]!.AsObject();
        var mean = input["mean"]!.AsObject();
        var resize = input["resize"]!.AsObject();
        switch (mistake)
        {
            case "height-zero": input["height"] = 0; break;
            case "height-text": input["height"] = "224"; break;
            case "height-fraction": input["height"] = 224.5; break;
            case "height-typo": input.Remove("height"); input["heigth"] = 224; break;
            case "width-huge": input["width"] = 22400; break;
            case "unknown-top-level": root["colour"] = "red"; break;
            case "name-missing": input.Remove("name"); break;
            case "name-null": input["name"] = null; break;
            case "channel-order": input["channelOrder"] = "RGBA"; break;
            case "channel-order-case": input["channelOrder"] = "rgb"; break;
            case "channels": input["channels"] = 1; break;
            case "layout": input["layout"] = "NHWC"; break;
            case "pixel-scale": input["pixelScale"] = 2; break;
            case "mean-count": mean["perChannel"] = new JsonArray(0.5, 0.5); break;
            case "mean-scale": mean["perChannel"] = new JsonArray(123.7, 116.3, 103.5); break;
            case "mean-two-kinds": mean["imageFile"] = "mean.f32"; break;
            case "mean-none": mean.Remove("perChannel"); break;
            case "std-negative": input["std"] = new JsonArray(0.2, -0.2, 0.2); break;
            case "std-text": input["std"] = new JsonArray("a", 0.2, 0.2); break;
            case "std-not-list": input["std"] = 0.2; break;
            case "resize-no-size": resize.Remove("size"); break;
            case "resize-small": resize["size"] = 200; break;
            case "resize-stretch-size": resize["mode"] = "stretch"; break;
            case "resize-mode": resize["mode"] = "crop"; break;
            case "interpolation": resize["interpolation"] = "cubic"; break;
            case "schema": root["schema"] = "edgetransfer.preprocess/v2"; break;
            case "schema-missing": root.Remove("schema"); break;
            case "feature-empty": root["featureTensor"] = " "; break;
            default: throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }

        return root.ToJsonString();
    }
}
