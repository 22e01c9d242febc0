using EdgeTransfer.Onnx.Building;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Onnx.Protos;

using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Training.Tests;

public class SpecTests
{
    [Theory]
    [InlineData("linear", HeadKind.Linear, 0)]
    [InlineData(" MLP:256 ", HeadKind.Mlp, 256)]
    [InlineData("mlp:1", HeadKind.Mlp, 1)]
    public void HeadSpecParse_ReadsValidText(string text, HeadKind kind, int hidden)
    {
        // When valid head text is parsed
        var spec = HeadArchitecture.Parse(text);

        // Then kind and width are read and the text form round-trips
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(hidden, spec.Hidden);
        Assert.Equal(spec, HeadArchitecture.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("conv")]
    [InlineData("mlp")]
    [InlineData("mlp:")]
    [InlineData("mlp:0")]
    [InlineData("mlp:-4")]
    [InlineData("mlp:abc")]
    [InlineData("mlp:99999999")]
    public void HeadSpecParse_RejectsBadText_NamingTheOption(string? text)
    {
        // When bad head text is parsed, Then the error names --head
        var error = Assert.Throws<InvalidSettingException>(() => HeadArchitecture.Parse(text));
        Assert.Equal("--head", error.Setting);
        Assert.StartsWith("--head: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptimizerSpec_RejectsBadValues_NamingThem()
    {
        // When hyper-parameters are out of range, Then the error names the one at fault
        Assert.Equal("optimizer.learningRate", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.AdamW(learningRate: 0)).Setting);
        Assert.Equal("optimizer.learningRate", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.Sgd(learningRate: double.NaN)).Setting);
        Assert.Equal("optimizer.weightDecay", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.AdamW(weightDecay: -1)).Setting);
        Assert.Equal("optimizer.beta1", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.AdamW(beta1: 1)).Setting);
        Assert.Equal("optimizer.beta2", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.AdamW(beta2: 1.5)).Setting);
        Assert.Equal("optimizer.epsilon", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.AdamW(epsilon: 0)).Setting);
        Assert.Equal("optimizer.momentum", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.Sgd(momentum: 1)).Setting);
        Assert.Equal("--optimizer", Assert.Throws<InvalidSettingException>(() => OptimizerSettings.Parse("adam")).Setting);
        Assert.Equal(["adam.m", "adam.v"], OptimizerSettings.Parse("AdamW").StateNames);
        Assert.Equal(["sgd.momentum"], OptimizerSettings.Parse("sgd").StateNames);
    }

    [Fact]
    public void GraphBuilder_RejectsDuplicateAndUndefinedNames()
    {
        // Given a builder with an input
        var g = new GraphBuilder("t");
        var x = g.AddInput("x", TensorProto.Types.DataType.Float, "N", 2);

        // Then a second value of the same name, or a node reading an undefined value, is refused
        Assert.Throws<GraphException>(() => g.AddInput("x", TensorProto.Types.DataType.Float));
        Assert.Throws<GraphException>(() => g.Node("Relu", ["y"]));
        Assert.Throws<GraphException>(() => g.Build());

        // And intermediate names are made unique
        var a = g.Node("Relu", [x]);
        var b = g.Node("Relu", [x]);
        Assert.NotEqual(a, b);
        g.AddOutput(b, TensorProto.Types.DataType.Float, "N", 2);
        var model = g.Build();
        Assert.Equal(8, model.IrVersion);
        Assert.Equal(2, model.Graph.Node.Select(n => n.Name).Distinct().Count());
    }
}
