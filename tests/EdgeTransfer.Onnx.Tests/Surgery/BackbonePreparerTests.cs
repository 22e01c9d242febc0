using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tests.Support;
using EdgeTransfer.Testing;
using Xunit.Abstractions;

namespace EdgeTransfer.Onnx.Tests.Surgery;

public class BackbonePreparerTests(PreparedResNet18Fixture resnet, ITestOutputHelper output) : IClassFixture<PreparedResNet18Fixture>
{
    [Fact]
    public void Prepare_ResNet18_KeepsTheInputAndReportsTheFeatureSize()
    {
        // Given the ResNet18 prepared with the default options
        var backbone = resnet.Backbone;
        output.WriteLine($"prepared in {resnet.Elapsed.TotalSeconds:F2} s");
        foreach (var pass in backbone.Passes)
        {
            output.WriteLine(pass.ToString());
        }

        // When its interface is read
        // Then the input keeps its name, the features are 512 wide, and the source opset is recorded
        Assert.Equal("Input247", backbone.InputName);
        Assert.Equal([3L, 224L, 224L], backbone.InputShape);
        Assert.Equal("features", backbone.FeatureName);
        Assert.Equal(512, backbone.FeatureSize);
        Assert.Equal(8, backbone.SourceOpset);
        Assert.True(resnet.Elapsed < TimeSpan.FromSeconds(30), $"preparing took {resnet.Elapsed}");
    }

    [Fact]
    public void Prepare_ResNet18_FoldsEveryBatchNorm_AndMakesTheBatchSymbolic()
    {
        // Given the prepared ResNet18
        var model = resnet.Backbone.Model;

        // When its graph is inspected
        // Then it is opset 17 / IR 8, has no BatchNormalization, and maps [N,3,224,224] to features [N,512]
        Assert.Equal(17, model.OpsetImport.Single().Version);
        Assert.Equal(8, model.IrVersion);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(22, model.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal("[N,3,224,224]", Shapes.Format(model.Graph.Input.Single()));
        Assert.Equal("features", model.Graph.Output.Single().Name);
        Assert.Equal("[N,512]", Shapes.Format(model.Graph.Output.Single()));
        Assert.Contains(resnet.Backbone.Passes, p => p.Pass == "fold-batchnorm" && p.Changes.Contains("folded 22 BatchNormalization nodes into the preceding Conv"));
    }

    [OnnxCheckerFact]
    public void Prepare_ResNet18_PassesTheOnnxChecker()
    {
        // Given the prepared ResNet18 saved to a file
        using var dir = new TempDirectory();
        var path = dir.Combine("backbone.onnx");
        OnnxModelFile.Save(resnet.Backbone.Model, path);

        // When the reference checker runs with full shape inference
        var problem = OnnxChecker.Check(path);

        // Then it accepts the model
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void Prepare_ResNet18_GivesTheOriginalFeatures_AtBatch1And8()
    {
        // Given 8 random preprocessed images (BGR minus mean: roughly ±120)
        const int batch = 8, image = 3 * 224 * 224, features = 512;
        var x = Ort.Random(batch * image, seed: 42, scale: 120);

        // When the original runs them one by one, and the backbone runs them at batch 1 and batch 8
        var expected = new float[batch * features];
        var atBatch1 = new float[batch * features];
        using (var original = new Ort(resnet.Source))
        using (var prepared = new Ort(resnet.Backbone.Model))
        {
            for (var i = 0; i < batch; i++)
            {
                var one = x[(i * image)..((i + 1) * image)];
                original.Run(("Input247", one, [1, 3, 224, 224]))["Pooling395_Output_0"].CopyTo(expected, i * features);
                prepared.Run(("Input247", one, [1, 3, 224, 224]))["features"].CopyTo(atBatch1, i * features);
            }

            var atBatch8 = prepared.Run(("Input247", x, [batch, 3, 224, 224]))["features"];

            // Then both agree with the original to 1e-3 of the largest feature
            var tolerance = 1e-3f * expected.Max(Math.Abs);
            output.WriteLine($"max |feature| {expected.Max(Math.Abs)}, diff batch 1 {Ort.MaxAbsDiff(expected, atBatch1)}, batch 8 {Ort.MaxAbsDiff(expected, atBatch8)}");
            Assert.True(Ort.MaxAbsDiff(expected, atBatch1) <= tolerance, $"batch 1 differs by {Ort.MaxAbsDiff(expected, atBatch1)} (tolerance {tolerance})");
            Assert.True(Ort.MaxAbsDiff(expected, atBatch8) <= tolerance, $"batch 8 differs by {Ort.MaxAbsDiff(expected, atBatch8)} (tolerance {tolerance})");
        }
    }

    [Fact]
    public void Prepare_LeavesTheSourceModelUnchanged()
    {
        // Given the source model that was prepared
        // When it is inspected after preparation
        // Then it is still the opset-8 model with its BatchNormalization nodes and its size
        Assert.Equal(8, resnet.Source.OpsetImport.Single().Version);
        Assert.Equal(22, resnet.Source.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(resnet.SourceBytes, resnet.Source.CalculateSize());
    }

    [Fact]
    public void Prepare_SuggestsCloseNames_WhenTheCutTensorIsUnknown()
    {
        // Given a cut tensor name with a typo
        var preparer = new BackbonePreparer(new BackbonePreparerOptions { CutTensor = "ReLU393_Outptu_0" });

        // When the ResNet18 is prepared
        var error = Assert.Throws<GraphException>(() => preparer.Prepare(resnet.Source, "ResNet18.onnx"));

        // Then close names are suggested, the closest first
        Assert.NotEmpty(error.Suggestions);
        Assert.Equal("ReLU393_Output_0", error.Suggestions[0]);
        Assert.Contains("Did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_CutsAtAnInnerTensor_WithItsFeatureSize()
    {
        // Given a cut at the last ReLU ([1,512,7,7]) instead of the pooled output
        var lastRelu = resnet.Source.Graph.Node.Last(n => n.OpType == "Relu").Output[0];
        var preparer = new BackbonePreparer(new BackbonePreparerOptions { CutTensor = lastRelu });

        // When the ResNet18 is prepared
        var backbone = preparer.Prepare(resnet.Source, "ResNet18.onnx");

        // Then the features are the flattened 512×7×7 map
        Assert.Equal(512 * 7 * 7, backbone.FeatureSize);
        Assert.DoesNotContain(backbone.Model.Graph.Node, n => n.OpType == "AveragePool");
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    public void Constructor_Refuses_UnsupportedTargetOpsets(int opset)
    {
        // Given / When an opset outside 13–17
        var error = Assert.Throws<InvalidSettingException>(() => new BackbonePreparer(new BackbonePreparerOptions { TargetOpset = opset }));

        // Then the setting is named
        Assert.Equal("target opset", error.Setting);
    }

    [Fact]
    public void Prepare_NamesTheFile_WhenTheModelIsStructurallyBroken()
    {
        // Given a model whose node reads a missing tensor
        var graph = new TinyGraph(17).Input("x", 1, 3, 8, 8).Output("y", 1, 3, 8, 8);
        graph.Node("Add", ["x", "missing"], ["y"], "add_0");

        // When it is prepared
        var error = Assert.Throws<ModelFormatException>(() => new BackbonePreparer().Prepare(graph.Build(), "broken.onnx"));

        // Then the error names the file, the node and the tensor
        Assert.Equal("broken.onnx", error.ModelPath);
        Assert.Contains("'add_0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
    }

    [OnnxCheckerFact]
    public void Prepare_TinyCnn_CutAtAnUndeclaredTensor_PassesTheChecker()
    {
        // Given a small CNN whose cut tensor (the Relu output) has no declared shape
        var graph = new TinyGraph(13).Input("image", 1, 3, 8, 8).Output("pooled", 1, 4, 1, 1)
            .Floats("w", [4, 3, 3, 3], Ort.Random(108, seed: 21));
        graph.Node("Conv", ["image", "w"], ["conv"]).With("pads", 1, 1, 1, 1);
        graph.Node("Relu", ["conv"], ["relu"]);
        graph.Node("GlobalAveragePool", ["relu"], ["pooled"]);

        // When it is prepared at 'relu' and saved
        var backbone = new BackbonePreparer(new BackbonePreparerOptions { CutTensor = "relu" }).Prepare(graph.Build(), "tiny.onnx");
        using var dir = new TempDirectory();
        var path = dir.Combine("tiny-backbone.onnx");
        OnnxModelFile.Save(backbone.Model, path);

        // Then the feature size is unknown (not declared), the batch is symbolic, and the checker accepts it
        Assert.Null(backbone.FeatureSize);
        Assert.Equal("N", backbone.Model.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        var problem = OnnxChecker.Check(path);
        Assert.True(problem is null, problem);
        Assert.Equal(2 * 4 * 64, Ort.RunOnce(backbone.Model, ("image", Ort.Random(2 * 3 * 64, seed: 22), [2, 3, 8, 8]))["features"].Length);
    }
}
