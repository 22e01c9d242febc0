using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class InitializerPrunerTests
{
    [Fact]
    public void Apply_RemovesDeadNodes_UnusedInitializers_AndInitializerInputs()
    {
        // Given an IR-8 model with a dead branch, an unused initializer and an initializer listed as an input
        var graph = new TinyGraph(17).Input("x", 1, 2).Input("w", 2).Output("y", 1, 2)
            .Floats("w", [2], [1, 2]).Floats("unused", [3], [1, 2, 3]).Floats("dead_w", [2], [3, 4]);
        graph.Node("Mul", ["x", "w"], ["y"]);
        graph.Node("Add", ["x", "dead_w"], ["dead"]);
        var model = graph.Build();

        // When it is pruned
        var report = new InitializerPruner().Apply(model);

        // Then only the Mul, its weight and the data input remain
        Assert.Equal(["Mul"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["w"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["x"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(3, report.Changes.Count);
        OnnxModelFile.Validate(model, "pruned");
    }

    [Fact]
    public void Apply_KeepsInitializerInputs_BeforeIr4()
    {
        // Given an IR-3 model, where initializers must be graph inputs
        var graph = new TinyGraph(8, irVersion: 3).Input("x", 1, 2).Input("w", 2).Output("y", 1, 2).Floats("w", [2], [1, 2]);
        graph.Node("Mul", ["x", "w"], ["y"]);
        var model = graph.Build();

        // When it is pruned
        var report = new InitializerPruner().Apply(model);

        // Then nothing changes
        Assert.False(report.Changed);
        Assert.Equal(2, model.Graph.Input.Count);
    }
}
