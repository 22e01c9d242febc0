using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tests.Support;
using EdgeTransfer.Testing;
using Google.Protobuf;

namespace EdgeTransfer.Onnx.Tests.Model;

public class OnnxModelFileTests
{
    [Fact]
    public void Load_NamesFileAndReason_WhenFileIsMissing()
    {
        // Given a path where no file exists
        using var dir = new TempDirectory();
        var path = dir.Combine("missing.onnx");

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(path));

        // Then the error names the file and says it does not exist
        Assert.Equal(path, error.ModelPath);
        Assert.Contains("missing.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenPathIsADirectory()
    {
        // Given a directory
        using var dir = new TempDirectory();

        // When it is loaded as a model
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(dir.Path));

        // Then the error says it is a directory
        Assert.Contains("directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenFileIsEmpty()
    {
        // Given an empty file
        using var dir = new TempDirectory();
        var path = dir.Combine("empty.onnx");
        File.WriteAllBytes(path, []);

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(path));

        // Then the error names the file and says it is empty
        Assert.Contains("empty.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty (0 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenFileIsTruncated()
    {
        // Given the first 100 KB of the ResNet18 (a copy that stopped half way)
        using var dir = new TempDirectory();
        var path = dir.Combine("ResNet18.part.onnx");
        File.WriteAllBytes(path, File.ReadAllBytes(PretrainedModels.ResNet18)[..100_000]);

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(path));

        // Then the error names the file and says it is truncated
        Assert.Contains("ResNet18.part.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenFileIsText()
    {
        // Given a text file with an .onnx name
        using var dir = new TempDirectory();
        var path = dir.Combine("notes.onnx");
        File.WriteAllText(path, "This is not a model.\nIt is a note about a model.\n");

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(path));

        // Then the error says it is a text file, not an ONNX model
        Assert.Contains("notes.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("a text file, not an ONNX model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenFileIsAPngImage()
    {
        // Given a PNG image renamed to .onnx
        using var dir = new TempDirectory();
        var path = dir.Combine("part.onnx");
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
        File.WriteAllBytes(path, png);

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(path));

        // Then the error says it is a PNG image
        Assert.Contains("part.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("a PNG image, not an ONNX model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenBytesAreNotProtobuf()
    {
        // Given binary bytes that are not a valid protobuf message (a field tag with wire type 7)
        byte[] garbage = [0x0F, 0xFF, 0x00, 0x01, 0x02];

        // When they are loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(garbage, "garbage.onnx"));

        // Then the error says the content is not an ONNX model
        Assert.Contains("garbage.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("not an ONNX model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesFileAndReason_WhenProtobufIsNotAModel()
    {
        // Given a GraphProto saved on its own (valid protobuf, but not a ModelProto)
        var graph = ValidModel().Graph.ToByteArray();

        // When it is loaded as a model
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(graph, "graph.pb"));

        // Then the error says it is a protobuf but not a model
        Assert.Contains("graph.pb", error.Message, StringComparison.Ordinal);
        Assert.Contains("not an ONNX model", error.Message, StringComparison.Ordinal);
        Assert.Contains("no graph", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ir_version")]
    [InlineData("opset_import")]
    public void Load_NamesMissingPart_WhenModelLacksIt(string part)
    {
        // Given a model without its IR version or its opset imports
        var model = ValidModel();
        if (part == "ir_version")
        {
            model.IrVersion = 0;
        }
        else
        {
            model.OpsetImport.Clear();
        }

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(model.ToByteArray(), "odd.onnx"));

        // Then the error names the missing part
        Assert.Contains($"no {part}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesTensor_WhenTensorUsesExternalData()
    {
        // Given a model whose weight lives in an external data file
        var model = ValidModel();
        var weight = model.Graph.Initializer[0];
        weight.RawData = ByteString.Empty;
        weight.DataLocation = TensorProto.Types.DataLocation.External;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });

        // When it is loaded
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Load(model.ToByteArray(), "big.onnx"));

        // Then the error names the tensor, the external file and the fix
        Assert.Contains("'scale'", error.Message, StringComparison.Ordinal);
        Assert.Contains("weights.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("external data is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_WritesALoadableModel_AndLeavesNoTemporaryFile()
    {
        // Given a valid model
        using var dir = new TempDirectory();
        var path = dir.Combine("out", "model.onnx");
        var model = ValidModel();

        // When it is saved and loaded back
        OnnxModelFile.Save(model, path);
        var loaded = OnnxModelFile.Load(path);

        // Then it is the same model, and no temporary file is left beside it
        Assert.Equal(model, loaded);
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*" + AtomicFile.TempSuffix));
    }

    [Fact]
    public void Load_ReadsTheResNet18()
    {
        // Given the pretrained ResNet18
        // When it is loaded and validated
        var model = OnnxModelFile.Load(PretrainedModels.ResNet18);
        OnnxModelFile.Validate(model, "ResNet18.onnx");

        // Then its facts are the known ones
        Assert.Equal(3, model.IrVersion);
        Assert.Equal(8, model.OpsetImport.Single().Version);
        Assert.Equal("Input247", model.Graph.Input.Single().Name);
        Assert.Equal("Pooling395_Output_0", model.Graph.Output.Single().Name);
        Assert.Equal(22, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
    }

    [Fact]
    public void Validate_NamesNodeAndTensor_WhenAnInputIsNotProduced()
    {
        // Given a node that reads a tensor nobody produces
        var model = ValidModel();
        model.Graph.Node[0].Input[1] = "nowhere";

        // When the model is validated
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Validate(model, "m.onnx"));

        // Then the error names the node and the tensor
        Assert.Contains("'mul'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesTensor_WhenItIsProducedTwice()
    {
        // Given two nodes that write the same tensor
        var model = ValidModel();
        model.Graph.Node.Add(new NodeProto { Name = "again", OpType = "Relu", Input = { "x" }, Output = { "y" } });

        // When the model is validated
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Validate(model, "m.onnx"));

        // Then the error names the tensor and both producers
        Assert.Contains("'y' is produced twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("'again'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesOutput_WhenAGraphOutputIsNotProduced()
    {
        // Given a graph output that no node writes
        var model = ValidModel();
        model.Graph.Output.Add(TinyGraph.Value("ghost", [1]));

        // When the model is validated
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Validate(model, "m.onnx"));

        // Then the error names the output
        Assert.Contains("graph output 'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SaysOrderIsWrong_WhenANodeReadsALaterOutput()
    {
        // Given two nodes in reverse order
        var graph = new TinyGraph(17).Input("x", 2).Output("z", 2);
        graph.Node("Relu", ["y"], ["z"], "second");
        graph.Node("Relu", ["x"], ["y"], "first");

        // When the model is validated
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Validate(graph.Build(), "m.onnx"));

        // Then the error names the node and says the order is wrong
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);
        Assert.Contains("topological order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Refuses_WhenNoDefaultDomainOpsetIsImported()
    {
        // Given a model that imports only a custom domain
        var model = ValidModel();
        model.OpsetImport.Clear();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });

        // When the model is validated
        var error = Assert.Throws<ModelFormatException>(() => OnnxModelFile.Validate(model, "m.onnx"));

        // Then the error says the default-domain opset is missing
        Assert.Contains("default-domain", error.Message, StringComparison.Ordinal);
    }

    private static ModelProto ValidModel()
    {
        var graph = new TinyGraph(17).Input("x", 1, 4).Output("y", 1, 4).Floats("scale", [4], [1, 2, 3, 4]);
        graph.Node("Mul", ["x", "scale"], ["y"], "mul");
        return graph.Build();
    }
}
