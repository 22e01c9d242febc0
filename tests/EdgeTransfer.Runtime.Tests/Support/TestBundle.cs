using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Runtime.Tests.Support;

/// <summary>A small valid bundle on the disk (fake graph bytes, a real checkpoint): 8 features, 3 classes, linear head.</summary>
internal static class TestBundle
{
    public const int Features = 8;
    public static readonly string[] Classes = ["good", "scratch", "dent"];

    /// <summary>Writes the bundle; with <paramref name="int8Activations"/>, also an INT8 backbone of that activation type.</summary>
    public static Bundle Write(string directory, string? int8Activations = null)
    {
        var createdAt = new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero);
        using (var writer = new BundleWriter(directory))
        {
            writer.AddFile("backbone.onnx", BundleRoles.Backbone, "backbone"u8.ToArray());
            if (int8Activations is not null)
            {
                writer.AddFile("backbone-int8.onnx", BundleRoles.BackboneInt8, "backbone-int8"u8.ToArray());
            }

            writer.AddFile("train.onnx", BundleRoles.TrainingModel, "train"u8.ToArray());
            writer.AddFile("optimizer.onnx", BundleRoles.OptimizerModel, "optimizer"u8.ToArray());
            writer.AddFile("eval.onnx", BundleRoles.EvalModel, "eval"u8.ToArray());
            writer.AddFile("infer.onnx", BundleRoles.InferenceModel, "infer"u8.ToArray());
            writer.AddFile("checkpoint.etck", BundleRoles.Checkpoint, s => CheckpointFile.Write(s, InitialHead()));
            writer.Commit(new BundleManifest
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
                    Mean = new MeanSpec { PerChannel = [103.06f, 115.90f, 123.15f] },
                    Resize = new ResizeSpec { Mode = ResizeMode.Stretch },
                },
                Features = new FeatureInfo { Tensor = "features", Size = Features },
                Classes = Classes,
                Head = new HeadSpec { Kind = HeadKind.Linear, Seed = 42, Parameters = HeadSpec.ExpectedParameters(HeadKind.Linear, 0, Features, Classes.Length) },
                Optimizer = new OptimizerSpec { Kind = OptimizerKind.AdamW, LearningRate = 0.001, WeightDecay = 0.0001, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, State = ["adam.m", "adam.v"] },
                Training = new TrainingDefaults { LabelSmoothing = 0, BatchSize = 32, Epochs = 30 },
                Quantization = int8Activations is null ? null : new QuantizationInfo
                {
                    Method = "qdq-static",
                    ActivationType = int8Activations,
                    WeightType = "int8",
                    PerChannel = true,
                    CalibrationCount = 8,
                    RangeMethod = "minmax",
                },
            });
        }

        return BundleReader.Open(directory);
    }

    private static HeadCheckpoint InitialHead()
    {
        var weight = new NamedTensor("head.weight", [Features, Classes.Length], new float[Features * Classes.Length]);
        var bias = new NamedTensor("head.bias", [Classes.Length], new float[Classes.Length]);
        NamedTensor Zeros(string state, NamedTensor p) => new($"{state}.{p.Name}", p.Shape, new float[p.Data.Length]);
        return new HeadCheckpoint([weight, bias], [Zeros("adam.m", weight), Zeros("adam.m", bias), Zeros("adam.v", weight), Zeros("adam.v", bias)]);
    }
}
