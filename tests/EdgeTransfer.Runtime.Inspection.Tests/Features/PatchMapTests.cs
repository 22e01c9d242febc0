using System.Text.Json.Nodes;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Preparation;
using EdgeTransfer.Quantization.Inspection;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Inspection.Tests.Support;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Inspection.Tests.Features;

/// <summary>Patch layers (issue 10 item 1): mid-level ResNet18 feature maps from the same backbone run, float and INT8.</summary>
[Collection(SharedBundle.Name)]
public sealed class PatchMapTests(PreparedBundle prepared)
{
    [Fact]
    public void DefaultPrepare_FindsStage2AndStage3_ByShape()
    {
        // Given the bundle prepared with the default --patch-layers
        var manifest = DeviceBundle.Open(prepared.Directory).Manifest;

        // Then it is the current format (2 added patch features) and names the last 28×28 and 14×14 maps (ResNet18's stage 2 and 3 outputs)
        Assert.Equal(BundleManifest.CurrentFormatVersion, manifest.FormatVersion);
        var layers = manifest.PatchFeatures!.Layers;
        Assert.Equal(2, layers.Count);
        Assert.Equal(new PatchLayerInfo { Name = "ReLU315_Output_0", Output = "patch_s8", Channels = 128, Height = 28, Width = 28, Stride = 8 }, layers[0]);
        Assert.Equal(new PatchLayerInfo { Name = "ReLU347_Output_0", Output = "patch_s16", Channels = 256, Height = 14, Width = 14, Stride = 16 }, layers[1]);
    }

    [Fact]
    public void WrongLayerName_IsRefused_WithCloseNames()
    {
        // Given the prepared float backbone
        var backbone = new BackbonePreparer().Prepare(PretrainedModels.ResNet18);

        // When a patch layer is named with a typo
        var error = Assert.Throws<InvalidSettingException>(() => PatchLayerOutputs.Attach("ReLU315_Output", backbone, _ => { }));

        // Then the option, the name and the tensor that was meant are in the message
        Assert.Contains("--patch-layers", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ReLU315_Output' is not a feature map", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'ReLU315_Output_0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8PatchMaps_AreCloseToFloat_AndComeWithTheFeatures()
    {
        // Given float and INT8 sessions with patch maps, and a few synthetic parts
        var full = DeviceBundle.Open(prepared.Directory, BackboneChoice.FullPrecision);
        var int8 = DeviceBundle.Open(prepared.Directory, BackboneChoice.Quantized);
        using var f = full.CreateBackbone(new BackboneOptions { IntraOpThreads = 1 }, withPatchMaps: true);
        using var q = int8.CreateBackbone(new BackboneOptions { IntraOpThreads = 1 }, withPatchMaps: true);
        var preprocessor = full.CreatePreprocessor();
        var generator = new SyntheticPartGenerator(seed: 7);
        var classes = SyntheticPartGenerator.DefectClasses;
        const int images = 4;
        var batch = q.BatchInput(images);
        for (var i = 0; i < images; i++)
        {
            using var image = generator.Generate(classes[i % classes.Count], 100 + i, 256);
            preprocessor.Preprocess(image, f.Input);
            f.Input.CopyTo(batch.Slice(i * q.ValuesPerImage, q.ValuesPerImage));
        }

        // When the INT8 backbone runs the batch once, and the float one image by image
        q.RunBatch(images);
        for (var i = 0; i < images; i++)
        {
            batch.Slice(i * q.ValuesPerImage, q.ValuesPerImage).CopyTo(f.Input);
            Assert.Equal(512, f.Run().Length);

            // Then every map of every image has the manifest's size and INT8 agrees with float
            for (var layer = 0; layer < f.PatchLayers.Count; layer++)
            {
                var info = f.PatchLayers[layer];
                var reference = f.PatchMap(layer);
                var quantized = q.BatchPatchMap(images, layer, i);
                Assert.Equal(info.Channels * info.Height * info.Width, reference.Length);
                Assert.Equal(reference.Length, quantized.Length);
                var cosine = Cosine(reference, quantized);
                Assert.True(cosine >= 0.98, $"{info.Output} image {i}: float vs INT8 cosine {cosine:0.0000} < 0.98.");
            }
        }
    }

    [Fact]
    public void Format1Bundle_StillLoadsAndRuns_WithoutPatchMaps()
    {
        // Given a bundle as prepared before patch layers existed: no patch outputs, manifest format 1
        using var temp = new TempDirectory();
        var dir = temp.Combine("v1");
        BundlePreparer.Prepare(new PrepareOptions { Classes = PreparedBundle.Classes, OutputDirectory = dir, PatchLayers = PatchLayerSelection.None });
        var path = Path.Combine(dir, BundleManifest.FileName);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Null(root["patchFeatures"]);
        root["formatVersion"] = 1;
        root.Remove("patchFeatures");
        File.WriteAllText(path, root.ToJsonString());

        // When it is opened and its backbone runs
        var bundle = DeviceBundle.Open(dir);
        using var session = bundle.CreateBackbone(new BackboneOptions { IntraOpThreads = 1 });
        session.Input.Fill(1f);
        var features = session.Run();

        // Then the features come as before, and patch maps are refused with the reason
        Assert.Equal(1, bundle.Manifest.FormatVersion);
        Assert.Equal(512, features.Length);
        Assert.Empty(session.PatchLayers);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.PatchMap(0));
        var error = Assert.Throws<BundleException>(() => bundle.CreateBackbone(withPatchMaps: true));
        Assert.Contains("has no patch features (format 1", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8BackboneWithPatchOutputs_StillRunsEveryConvolutionAsQLinearConv()
    {
        // Given the INT8 backbone with its two extra outputs
        using var temp = new TempDirectory();
        var int8 = Path.Combine(prepared.Directory, "backbone.int8.onnx");

        // When ORT optimizes it for the CPU
        var report = OptimizedGraphInspector.Inspect(int8, temp.Combine("optimized.onnx"));

        // Then the outputs did not block the int8 fusions
        var counts = string.Join(", ", report.OperatorCounts.Select(kv => $"{kv.Key}×{kv.Value}"));
        Assert.True(report.FloatConvCount == 0, counts);
        Assert.Equal(0, report.DequantizeFeedingConvCount);
        var floatConvs = OnnxModelFile.Load(Path.Combine(prepared.Directory, "backbone.onnx")).Graph.Node.Count(n => n.OpType == "Conv");
        Assert.True(report.IntegerConvCount == floatConvs, $"{floatConvs} Conv in float; optimized int8: {counts}");
    }

    [OnnxCheckerTheory]
    [InlineData("backbone.onnx")]
    [InlineData("backbone.int8.onnx")]
    public void BackboneWithPatchOutputs_PassesTheOnnxChecker(string file)
    {
        // The checker's full check writes inferred shapes back into the file, so it gets a copy.
        using var temp = new TempDirectory();
        var copy = temp.Combine(file);
        File.Copy(Path.Combine(prepared.Directory, file), copy);
        Assert.Null(OnnxChecker.Check(copy));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
