using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class FeatureFlattenerTests
{
    [Fact]
    public void Apply_FlattensNC11_ToNC_NamedFeatures()
    {
        // Given a pooled output [N,8,1,1]
        var graph = new TinyGraph(17).Input("x", -1, 8, 2, 2).Output("pool", -1, 8, 1, 1);
        graph.Node("GlobalAveragePool", ["x"], ["pool"]);
        var model = graph.Build();

        // When the features are flattened
        new FeatureFlattener().Apply(model);

        // Then the single output is 'features' [N,8] and ONNX Runtime agrees at batch 3
        var output = model.Graph.Output.Single();
        Assert.Equal("features", output.Name);
        Assert.Equal("[N,8]", Shapes.Format(output));
        var x = Ort.Random(3 * 8 * 4, seed: 12);
        Assert.Equal(24, Ort.RunOnce(model, ("x", x, [3, 8, 2, 2]))["features"].Length);
        OnnxModelFile.Validate(model, "flattened");
    }

    [Fact]
    public void Apply_OnlyRenames_WhenTheOutputIsAlreadyNByD()
    {
        // Given an output [N,4] named 'emb'
        var graph = new TinyGraph(17).Input("x", -1, 4).Output("emb", -1, 4);
        graph.Node("Relu", ["x"], ["emb"]);
        var model = graph.Build();

        // When the features are flattened with a custom name
        new FeatureFlattener("embedding").Apply(model);

        // Then no node is added and the output is renamed
        Assert.Single(model.Graph.Node);
        Assert.Equal("embedding", model.Graph.Node[0].Output[0]);
        Assert.Equal("embedding", model.Graph.Output[0].Name);
    }

    [Fact]
    public void Apply_Refuses_WhenTheFeatureNameIsTaken()
    {
        // Given a model that already has a tensor called 'features'
        var graph = new TinyGraph(17).Input("x", -1, 4, 1, 1).Output("y", -1, 4, 1, 1);
        graph.Node("Relu", ["x"], ["features"]);
        graph.Node("Relu", ["features"], ["y"]);

        // When the features are flattened
        var error = Assert.Throws<GraphException>(() => new FeatureFlattener().Apply(graph.Build()));

        // Then the error names the clash
        Assert.Contains("already has a tensor of that name", error.Message, StringComparison.Ordinal);
    }
}
