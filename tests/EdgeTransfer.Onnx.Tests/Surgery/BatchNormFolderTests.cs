using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class BatchNormFolderTests
{
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void Apply_FoldsConvBatchNorm_IntoNumericallyEqualConv(bool convHasBias, int group)
    {
        // Given Conv(3x3) → BatchNormalization with random weights and statistics
        var model = ConvBn(convHasBias, group, extraConsumer: false);
        var folded = model.Clone();

        // When the BatchNormalization is folded
        var report = new BatchNormFolder().Apply(folded);

        // Then it is gone, the Conv writes its output, and ONNX Runtime computes the same values
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal("y", folded.Graph.Node.Single().Output[0]);
        Assert.Contains(report.Changes, c => c.Contains("folded 1", StringComparison.Ordinal));
        var x = Ort.Random(2 * 4 * 5 * 5, seed: 10, scale: 2);
        var expected = Ort.RunOnce(model, ("x", x, [2, 4, 5, 5]))["y"];
        var actual = Ort.RunOnce(folded, ("x", x, [2, 4, 5, 5]))["y"];
        Assert.True(Ort.MaxAbsDiff(expected, actual) <= 1e-5f * expected.Max(Math.Abs), $"max diff {Ort.MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void Apply_LeavesBatchNorm_WhenTheConvOutputHasAnotherConsumer()
    {
        // Given a Conv whose output also feeds a Relu besides the BatchNormalization
        var model = ConvBn(convHasBias: true, group: 1, extraConsumer: true);

        // When folding is tried
        var report = new BatchNormFolder().Apply(model);

        // Then the BatchNormalization stays, and the report says why
        Assert.Single(model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Contains(report.Changes, c => c.Contains("also used elsewhere", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_LeavesBatchNorm_WhenItDoesNotFollowAConv()
    {
        // Given a BatchNormalization right on the input
        var graph = new TinyGraph(17).Input("x", 1, 2, 2, 2).Output("y", 1, 2, 2, 2)
            .Floats("g", [2], [1, 1]).Floats("b", [2], [0, 0]).Floats("m", [2], [0, 0]).Floats("v", [2], [1, 1]);
        graph.Node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"]);
        var model = graph.Build();

        // When folding is tried
        var report = new BatchNormFolder().Apply(model);

        // Then nothing is folded
        Assert.Single(model.Graph.Node);
        Assert.Contains(report.Changes, c => c.Contains("not a Conv output", StringComparison.Ordinal));
    }

    private static ModelProto ConvBn(bool convHasBias, int group, bool extraConsumer)
    {
        const int inC = 4, outC = 6, k = 3;
        var graph = new TinyGraph(17).Input("x", -1, inC, 5, 5).Output("y", -1, outC, 5, 5)
            .Floats("w", [outC, inC / group, k, k], Ort.Random(outC * (inC / group) * k * k, seed: 4))
            .Floats("gamma", [outC], Ort.Random(outC, seed: 5, scale: 2))
            .Floats("beta", [outC], Ort.Random(outC, seed: 6))
            .Floats("mean", [outC], Ort.Random(outC, seed: 7))
            .Floats("var", [outC], [.. Ort.Random(outC, seed: 8).Select(v => Math.Abs(v) + 0.05f)]);
        string[] convInputs = convHasBias ? ["x", "w", "cb"] : ["x", "w"];
        if (convHasBias)
        {
            graph.Floats("cb", [outC], Ort.Random(outC, seed: 9));
        }

        graph.Node("Conv", convInputs, ["c"], "conv").With("pads", 1, 1, 1, 1).With("group", group);
        graph.Node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["y"], "bn").With("epsilon", 1e-3f);
        if (extraConsumer)
        {
            graph.Node("Relu", ["c"], ["r"]);
            graph.Output("r", -1, outC, 5, 5);
        }

        return graph.Build();
    }
}
