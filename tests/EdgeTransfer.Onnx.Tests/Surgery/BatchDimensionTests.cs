using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class BatchDimensionTests
{
    [Fact]
    public void Apply_MakesBatchSymbolic_AndRewritesAFixedBatchReshape()
    {
        // Given a batch-1 model that flattens with Reshape to the constant shape [1,-1]
        var graph = new TinyGraph(17).Input("x", 1, 2, 3).Output("y", 1, 6).Int64s("shape", 1, -1);
        graph.Node("Relu", ["x"], ["r"]);
        graph.Node("Reshape", ["r", "shape"], ["y"]);
        var model = graph.Build();
        model.Graph.ValueInfo.Add(TinyGraph.Value("r", [1, 2, 3]));

        // When the batch dimension is made symbolic
        var report = new BatchDimension().Apply(model);

        // Then input and output start with N, the recorded batch-1 shape is cleared,
        // and ONNX Runtime runs the model at batch 4
        Assert.Equal("N", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("N", model.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Null(model.Graph.ValueInfo.Single().Type.TensorType.Shape);
        Assert.Contains(report.Changes, c => c.Contains("[1,-1] -> [0,-1]", StringComparison.Ordinal));
        var x = Ort.Random(24, seed: 11);
        var y = Ort.RunOnce(model, ("x", x, [4, 2, 3]))["y"];
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), y);
    }

    [Fact]
    public void Apply_NamesTheReshape_WhenItFoldsTheBatchAway()
    {
        // Given a Reshape of batch data to a constant shape that does not start with the batch
        var graph = new TinyGraph(17).Input("x", 1, 2, 3).Output("y", 6).Int64s("shape", 6);
        graph.Node("Reshape", ["x", "shape"], ["y"], "flatten_all");
        var model = graph.Build();

        // When the batch dimension is made symbolic
        var error = Assert.Throws<GraphException>(() => new BatchDimension().Apply(model));

        // Then the error names the node and the shape
        Assert.Contains("'flatten_all'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[6]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_LeavesConstantReshapes_Alone()
    {
        // Given a Reshape of a constant (not batch data) to [1,2]
        var graph = new TinyGraph(17).Input("x", 1, 2).Output("y", 1, 2).Floats("bias", [2], [1, 2]).Int64s("shape", 1, 2);
        graph.Node("Reshape", ["bias", "shape"], ["b2"]);
        graph.Node("Add", ["x", "b2"], ["y"]);
        var model = graph.Build();

        // When the batch dimension is made symbolic
        new BatchDimension().Apply(model);

        // Then the constant Reshape keeps its shape
        Assert.Equal("shape", model.Graph.Node[0].Input[1]);
    }
}
