using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Onnx.Heads;
using Google.Protobuf;

namespace EdgeTransfer.Runtime.Learning.Tests.Support;

/// <summary>A small real bundle: the head graphs of EdgeTransfer.Onnx for D features, a seeded checkpoint, a placeholder backbone.</summary>
internal static class LearningBundle
{
    public static readonly string[] Classes = ["good", "scratch", "dent"];

    public static Bundle Write(string directory, int features = 16, string optimizer = "adamw", IReadOnlyList<string>? classes = null)
    {
        classes ??= Classes;
        var head = HeadArchitecture.Linear;
        var settings = OptimizerSettings.Parse(optimizer);
        var c = classes.Count;
        var createdAt = new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero);
        using (var writer = new BundleWriter(directory))
        {
            // The trainer never runs the backbone; any bytes do, the manifest only needs the role.
            writer.AddFile("backbone.onnx", BundleRoles.Backbone, "backbone"u8.ToArray());
            writer.AddFile("train.onnx", BundleRoles.TrainingModel, HeadGraphs.Training(head, features, c).ToByteArray());
            writer.AddFile("optimizer.onnx", BundleRoles.OptimizerModel, HeadGraphs.Optimizer(head, settings, features, c).ToByteArray());
            writer.AddFile("eval.onnx", BundleRoles.EvalModel, HeadGraphs.Eval(head, features, c).ToByteArray());
            writer.AddFile("infer.onnx", BundleRoles.InferenceModel, HeadGraphs.Inference(head, features, c).ToByteArray());
            var checkpoint = InitialHead.Create(head, features, c, seed: 42, settings);
            writer.AddFile("checkpoint" + CheckpointFile.Extension, BundleRoles.Checkpoint, s => CheckpointFile.Write(s, checkpoint));
            writer.Commit(new BundleManifest
            {
                BundleId = BundleManifest.CreateBundleId("tiny", c, createdAt),
                CreatedAt = createdAt,
                SourceModel = new SourceModelInfo { File = "tiny.onnx", Sha256 = new string('a', 64), Opset = 17 },
                Input = new InputSpec
                {
                    Name = "input",
                    Channels = 3,
                    Height = 4,
                    Width = 4,
                    ChannelOrder = ChannelOrder.Rgb,
                    PixelScale = 255,
                    Mean = new MeanSpec { PerChannel = [0f, 0f, 0f] },
                    Resize = new ResizeSpec { Mode = ResizeMode.Stretch },
                },
                Features = new FeatureInfo { Tensor = "features", Size = features },
                Classes = [.. classes],
                Head = new HeadSpec { Kind = HeadKind.Linear, Seed = 42, Parameters = HeadSpec.ExpectedParameters(HeadKind.Linear, 0, features, c) },
                Optimizer = new OptimizerSpec
                {
                    Kind = settings.Kind,
                    LearningRate = settings.LearningRate,
                    WeightDecay = settings.WeightDecay,
                    Beta1 = settings.Beta1,
                    Beta2 = settings.Beta2,
                    Epsilon = settings.Epsilon,
                    Momentum = settings.Momentum,
                    State = settings.StateNames,
                },
                Training = new TrainingDefaults { LabelSmoothing = 0, BatchSize = 32, Epochs = 30 },
            });
        }

        return BundleReader.Open(directory);
    }
}
