using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class OpsetUpgraderTests
{
    [Fact]
    public void Apply_UpgradesResNet18_ToOpset17AndIr8_WithoutSpatial()
    {
        // Given the opset-8, IR-3 ResNet18
        var model = OnnxModelFile.Load(PretrainedModels.ResNet18);

        // When it is upgraded to opset 17
        var report = new OpsetUpgrader(17).Apply(model);

        // Then the opset and IR version are the target ones, and BatchNormalization lost 'spatial'
        Assert.Equal(17, model.OpsetImport.Single().Version);
        Assert.Equal(8, model.IrVersion);
        Assert.DoesNotContain(model.Graph.Node, n => n.HasAttribute("spatial"));
        Assert.Contains(report.Changes, c => c.Contains("'spatial' (22 nodes)", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_KeepsTheMeaning_OfAttributesThatBecameInputs()
    {
        // Given an opset-10 graph whose Clip, Pad, Unsqueeze, Squeeze, Split, ReduceSum carry their
        // parameters as attributes (inputs from opsets 11 and 13), plus a Dropout
        var graph = new TinyGraph(10, irVersion: 5).Input("x", 2, 3, 4)
            .Output("s0", 2, 3, 3).Output("s1", 2, 3, 3).Output("r", 2, 1, 6).Output("d", 2, 3, 6);
        graph.Node("Clip", ["x"], ["c"]).With("min", -0.5f).With("max", 0.4f);
        graph.Node("Pad", ["c"], ["p"]).With("pads", 0, 0, 1, 0, 0, 1).With("value", 1.5f);
        graph.Node("Unsqueeze", ["p"], ["u"]).With("axes", [0]);
        graph.Node("Squeeze", ["u"], ["q"]).With("axes", [0]);
        graph.Node("Split", ["q"], ["s0", "s1"]).With("axis", 2).With("split", 3, 3);
        graph.Node("ReduceSum", ["q"], ["r"]).With("axes", [1]).With("keepdims", 1);
        graph.Node("Dropout", ["q"], ["d"]).With("ratio", 0.3f);
        var original = graph.Build();
        var upgraded = original.Clone();

        // When it is upgraded to opset 17
        new OpsetUpgrader(17).Apply(upgraded);

        // Then ONNX Runtime computes the same values from both
        var x = Ort.Random(24, seed: 1);
        var before = Ort.RunOnce(original, ("x", x, [2, 3, 4]));
        var after = Ort.RunOnce(upgraded, ("x", x, [2, 3, 4]));
        foreach (var (name, values) in before)
        {
            Assert.Equal(0f, Ort.MaxAbsDiff(values, after[name]));
        }

        Assert.DoesNotContain(upgraded.Graph.Node, n => n.OpType == "Dropout");
        Assert.All(upgraded.Graph.Node, n => Assert.DoesNotContain(n.Attribute, a => a.Name is "axes" or "split" or "pads" or "min" or "max"));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(1, false)]
    public void Apply_KeepsSoftmaxMeaning_AcrossOpset13(long axis, bool declareShape)
    {
        // Given an opset-11 Softmax over a [2,3,4] tensor, which normalises over all dimensions from 'axis' on
        var graph = new TinyGraph(11, irVersion: 6).Input("x", 2, 3, 4).Output("y", 2, 3, 4);
        graph.Node("Softmax", ["x"], ["y"]).With("axis", axis);
        var original = graph.Build();
        if (!declareShape)
        {
            original.Graph.Input[0].Type.TensorType.Shape = null;
        }

        var upgraded = original.Clone();

        // When it is upgraded to opset 13 semantics
        new OpsetUpgrader(17).Apply(upgraded);

        // Then the probabilities are the same as before
        var x = Ort.Random(24, seed: 2, scale: 3);
        var before = Ort.RunOnce(original, ("x", x, [2, 3, 4]));
        var after = Ort.RunOnce(upgraded, ("x", x, [2, 3, 4]));
        Assert.True(Ort.MaxAbsDiff(before["y"], after["y"]) < 1e-6f);
    }

    [Fact]
    public void Apply_KeepsBatchNormMeaning_WhenSpatialIsRemoved()
    {
        // Given an opset-7 BatchNormalization with spatial=1 (an attribute removed at opset 9)
        var graph = new TinyGraph(7, irVersion: 3).Input("x", 1, 2, 2, 2).Output("y", 1, 2, 2, 2)
            .Floats("g", [2], [1.5f, 0.5f]).Floats("b", [2], [0.1f, -0.2f]).Floats("m", [2], [0.3f, -0.1f]).Floats("v", [2], [2f, 0.5f]);
        graph.Node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"]).With("spatial", 1).With("epsilon", 1e-3f);
        var original = graph.Build();
        foreach (var name in (string[])["g", "b", "m", "v"])
        {
            // IR 3 lists initializers among the graph inputs.
            original.Graph.Input.Add(TinyGraph.Value(name, [2]));
        }

        var upgraded = original.Clone();

        // When it is upgraded
        new OpsetUpgrader(17).Apply(upgraded);

        // Then 'spatial' is gone and ONNX Runtime computes the same values
        Assert.DoesNotContain(upgraded.Graph.Node, n => n.HasAttribute("spatial"));
        var x = Ort.Random(8, seed: 3);
        var before = Ort.RunOnce(original, ("x", x, [1, 2, 2, 2]));
        var after = Ort.RunOnce(upgraded, ("x", x, [1, 2, 2, 2]));
        Assert.True(Ort.MaxAbsDiff(before["y"], after["y"]) < 1e-6f);
    }

    [Fact]
    public void Apply_RewritesOpset1Attributes_ThatLaterOpsetsRemoved()
    {
        // Given an opset-3 graph: BatchNormalization with consumed_inputs and is_test, a Reshape with a
        // 'shape' attribute, a Concat without axis (default 1 before opset 4 made it required)
        var graph = new TinyGraph(3, irVersion: 3).Input("x", 1, 2, 2, 2).Output("y", 2, 8)
            .Floats("g", [2], [1, 1]).Floats("b", [2], [0, 0]).Floats("m", [2], [0, 0]).Floats("v", [2], [1, 1]);
        graph.Node("BatchNormalization", ["x", "g", "b", "m", "v"], ["n"]).With("consumed_inputs", 0, 0, 0, 1, 1).With("is_test", 1);
        graph.Node("Concat", ["n", "n"], ["c"]);
        graph.Node("Reshape", ["c"], ["y"]).With("shape", 2, 8);
        var model = graph.Build();

        // When it is upgraded
        var report = new OpsetUpgrader(17).Apply(model);

        // Then the removed attributes are gone, the shape is an int64 initializer input and the axis is explicit
        Assert.DoesNotContain(model.Graph.Node, n => n.HasAttribute("consumed_inputs") || n.HasAttribute("is_test") || n.HasAttribute("shape"));
        var reshape = model.Graph.Node.Single(n => n.OpType == "Reshape");
        Assert.Equal([2L, 8L], EdgeTransfer.Onnx.Tensors.TensorProtos.ToInt64s(model.Graph.Initializer.Single(t => t.Name == reshape.Input[1])));
        Assert.Equal(1, model.Graph.Node.Single(n => n.OpType == "Concat").Attribute.Single(a => a.Name == "axis").I);
        Assert.Contains(report.Changes, c => c.StartsWith("opset 3 -> 17", StringComparison.Ordinal));
        OnnxModelFile.Validate(model, "upgraded");
    }

    [OnnxCheckerFact]
    public void Apply_WritesAModelThatPassesTheChecker()
    {
        // Given an opset-9 graph with a Clip, a Dropout and a Softmax whose input rank is not declared
        var graph = new TinyGraph(9, irVersion: 4).Input("x", 2, 5).Output("y", 2, 5);
        graph.Node("Clip", ["x"], ["c"]).With("min", 0f).With("max", 6f);
        graph.Node("Dropout", ["c"], ["d"]);
        graph.Node("Softmax", ["d"], ["y"]);
        var model = graph.Build();

        // When it is upgraded and saved
        new OpsetUpgrader(17).Apply(model);
        using var dir = new TempDirectory();
        var path = dir.Combine("upgraded.onnx");
        OnnxModelFile.Save(model, path);

        // Then the reference checker (with shape inference) accepts it
        var problem = OnnxChecker.Check(path);
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void Apply_NamesNodeAndOperator_WhenTheOperatorIsUnknown()
    {
        // Given an opset-8 graph with an operator the upgrader has no history for
        var graph = new TinyGraph(8).Input("x", 1, 3, 4, 4).Output("y");
        graph.Node("Upsample", ["x"], ["y"], "upsample_1").With("scales", 1f).With("mode", "nearest");
        graph.Node("LpNormalization", ["x"], ["z"], "lpnorm_1");
        var model = graph.Build();

        // When it is upgraded
        var error = Assert.Throws<GraphException>(() => new OpsetUpgrader(17).Apply(model));

        // Then the error names the node, the operator and the versions
        Assert.Contains("'upsample_1' (Upsample)", error.Message, StringComparison.Ordinal);
        Assert.Contains("from opset 8 to 17", error.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<GraphException>(() => new OpsetUpgrader(17).Apply(WithOnly(model, "lpnorm_1")));
        Assert.Contains("'lpnorm_1' (LpNormalization)", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("does not know", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_Refuses_WhenTheModelIsNewerThanTheTarget()
    {
        // Given an opset-17 model
        var graph = new TinyGraph(17).Input("x", 1).Output("y", 1);
        graph.Node("Relu", ["x"], ["y"]);

        // When it is "upgraded" to 13
        var error = Assert.Throws<GraphException>(() => new OpsetUpgrader(13).Apply(graph.Build()));

        // Then the error says downgrading is not supported
        Assert.Contains("downgrading is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Refuses_AnOpsetBeyond17()
    {
        // Given / When an opset the checker on this machine does not know
        var error = Assert.Throws<InvalidSettingException>(() => new OpsetUpgrader(18));

        // Then the setting is named
        Assert.Equal("target opset", error.Setting);
    }

    [Fact]
    public void Apply_Refuses_BatchNormWithSpatialZero()
    {
        // Given an opset-8 BatchNormalization with per-activation statistics
        var graph = new TinyGraph(8, irVersion: 3).Input("x", 1, 2).Output("y", 1, 2)
            .Floats("g", [2], [1, 1]).Floats("b", [2], [0, 0]).Floats("m", [2], [0, 0]).Floats("v", [2], [1, 1]);
        graph.Node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"], "bn_0").With("spatial", 0);

        // When it is upgraded
        var error = Assert.Throws<GraphException>(() => new OpsetUpgrader(17).Apply(graph.Build()));

        // Then the error names the node and the attribute
        Assert.Contains("'bn_0' (BatchNormalization)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'spatial'=0", error.Message, StringComparison.Ordinal);
    }

    private static ModelProto WithOnly(ModelProto model, string nodeName)
    {
        var copy = model.Clone();
        var keep = copy.Graph.Node.Single(n => n.Name == nodeName);
        copy.Graph.Node.Clear();
        copy.Graph.Node.Add(keep);
        return copy;
    }
}
