using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>
/// The valid bundle the file surfaces start from: every field of a real manifest (mean image, quantization,
/// optimizer), a real checkpoint of a linear head on 8 features and 3 classes, placeholder graph bytes (the
/// surfaces read manifests and checkpoints, not graphs).
/// </summary>
internal static class SeedBundle
{
    public const int Features = 8;
    private static readonly string[] Classes = ["good", "scratch", "dent"];

    /// <summary>Writes the bundle into <paramref name="directory"/> (which must not exist) and returns its manifest.</summary>
    public static BundleManifest Write(string directory)
    {
        var createdAt = new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero);
        using var writer = new BundleWriter(directory);
        foreach (var (file, role) in new[] { ("backbone.onnx", BundleRoles.Backbone), ("train.onnx", BundleRoles.TrainingModel), ("optimizer.onnx", BundleRoles.OptimizerModel), ("eval.onnx", BundleRoles.EvalModel), ("infer.onnx", BundleRoles.InferenceModel) })
        {
            writer.AddFile(file, role, System.Text.Encoding.UTF8.GetBytes($"placeholder {role} graph"));
        }

        writer.AddFile("checkpoint.etck", BundleRoles.Checkpoint, s => CheckpointFile.Write(s, Checkpoint()));
        writer.AddFile(MeanImageFile.DefaultFileName, BundleRoles.MeanImage, s => MeanImageFile.Write(s, [.. Enumerable.Range(0, 3 * 4 * 4).Select(i => 100f + i)]));
        return writer.Commit(new BundleManifest
        {
            BundleId = BundleManifest.CreateBundleId("resnet18", Classes.Length, createdAt),
            CreatedAt = createdAt,
            SourceModel = new SourceModelInfo { File = "ResNet18.onnx", Sha256 = new string('a', 64), Opset = 8 },
            Input = new InputSpec
            {
                Name = "Input247",
                Channels = 3,
                Height = 4,
                Width = 4,
                ChannelOrder = ChannelOrder.Bgr,
                PixelScale = 255,
                Mean = new MeanSpec { ImageFile = MeanImageFile.DefaultFileName },
                Resize = new ResizeSpec { Mode = ResizeMode.Stretch },
            },
            Features = new FeatureInfo { Tensor = "features", Size = Features },
            Classes = Classes,
            Head = new HeadSpec { Kind = HeadKind.Linear, Seed = 42, Parameters = HeadSpec.ExpectedParameters(HeadKind.Linear, 0, Features, Classes.Length) },
            Optimizer = new OptimizerSpec { Kind = OptimizerKind.AdamW, LearningRate = 0.001, WeightDecay = 0.0001, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, State = ["adam.m", "adam.v"] },
            Training = new TrainingDefaults { LabelSmoothing = 0.1, BatchSize = 32, Epochs = 30 },
            Quantization = new QuantizationInfo
            {
                Method = "qdq-static",
                ActivationType = "uint8",
                WeightType = "int8",
                PerChannel = true,
                CalibrationCount = 16,
                RangeMethod = "minmax",
                FloatOps = ["Softmax"],
            },
        });
    }

    /// <summary>The bundle's initial head: weights, biases and AdamW moments, with metadata.</summary>
    public static HeadCheckpoint Checkpoint()
    {
        var weight = new NamedTensor("head.weight", [Features, Classes.Length], [.. Enumerable.Range(0, Features * Classes.Length).Select(i => (i * 0.125f) - 1f)]);
        var bias = new NamedTensor("head.bias", [Classes.Length], [0.5f, -0.5f, 0f]);
        NamedTensor Moment(string state, NamedTensor p) => new($"{state}.{p.Name}", p.Shape, new float[p.Data.Length]);
        return new HeadCheckpoint(
            [weight, bias],
            [Moment("adam.m", weight), Moment("adam.m", bias), Moment("adam.v", weight), Moment("adam.v", bias)],
            step: 7,
            metadata: new Dictionary<string, string> { ["headVersion"] = "1" });
    }
}
