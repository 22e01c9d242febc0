using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class GraphCutterTests
{
    [Fact]
    public void Apply_KeepsOnlyTheNodesThatComputeTheTensor()
    {
        // Given x → Relu → a → Sigmoid → b (output) and a → Tanh → c (second output)
        var model = TwoHeads();

        // When it is cut at 'a'
        var report = new GraphCutter("a").Apply(model);

        // Then only the Relu is left, and 'a' is the single output
        Assert.Equal(["Relu"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal("a", model.Graph.Output.Single().Name);
        Assert.True(report.Changed);
        OnnxModelFile.Validate(model, "cut");
    }

    [Fact]
    public void Apply_CutsAtTheFirstOutput_WhenNoTensorIsNamed()
    {
        // Given a model with two outputs
        var model = TwoHeads();

        // When it is cut without a name
        new GraphCutter().Apply(model);

        // Then the first output's subgraph is kept
        Assert.Equal(["Relu", "Sigmoid"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal("b", model.Graph.Output.Single().Name);
    }

    [Fact]
    public void Apply_AcceptsANodeName_ForItsSingleOutput()
    {
        // Given the name of the Sigmoid node rather than of its output
        var model = TwoHeads();

        // When it is cut at the node name
        var report = new GraphCutter("sigmoid_node").Apply(model);

        // Then the cut is at the node's output, and the report says so
        Assert.Equal("b", model.Graph.Output.Single().Name);
        Assert.Contains(report.Changes, c => c.Contains("is a node", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_SuggestsCloseNames_WhenTheTensorDoesNotExist()
    {
        // Given the ResNet18 and a misspelt feature tensor
        var model = OnnxModelFile.Load(PretrainedModels.ResNet18);

        // When it is cut at 'Pooling395_Output'
        var error = Assert.Throws<GraphException>(() => new GraphCutter("Pooling395_Output").Apply(model));

        // Then the error names the tensor and suggests up to five close names, the right one first
        Assert.Equal("Pooling395_Output", error.TensorName);
        Assert.Contains("no tensor of that name", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Suggestions.Count, 1, 5);
        Assert.Equal("Pooling395_Output_0", error.Suggestions[0]);
        Assert.Contains("'Pooling395_Output_0'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x", "model's input")]
    [InlineData("w", "constant")]
    public void Apply_Refuses_WhenTheTensorIsNotComputed(string name, string reason)
    {
        // Given a tensor that is the input or an initializer
        var graph = new TinyGraph(17).Input("x", 2).Output("y", 2).Floats("w", [2], [1, 2]);
        graph.Node("Mul", ["x", "w"], ["y"]);
        var model = graph.Build();

        // When the graph is cut there
        var error = Assert.Throws<GraphException>(() => new GraphCutter(name).Apply(model));

        // Then the error says why it cannot be a cut point
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_DeclaresAnElementType_WhenTheCutTensorHasNoValueInfo()
    {
        // Given a cut tensor the model declares nowhere
        var model = TwoHeads();

        // When it is cut at 'a' (the Relu output, declared nowhere)
        new GraphCutter("a").Apply(model);

        // Then the new output has the type of the data it comes from (float) and no made-up shape
        var output = model.Graph.Output.Single();
        Assert.Equal(1, output.Type.TensorType.ElemType);
        Assert.Null(output.Type.TensorType.Shape);
    }

    private static EdgeTransfer.Onnx.Protos.ModelProto TwoHeads()
    {
        var graph = new TinyGraph(17).Input("x", 1, 4).Output("b", 1, 4).Output("c", 1, 4);
        graph.Node("Relu", ["x"], ["a"], "relu_node");
        graph.Node("Sigmoid", ["a"], ["b"], "sigmoid_node");
        graph.Node("Tanh", ["a"], ["c"], "tanh_node");
        return graph.Build();
    }
}
