using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Artifacts.Tests;

/// <summary>Small, valid bundles for tests: a linear head on 4 features, 3 classes, fake graph bytes.</summary>
internal static class TestBundles
{
    public const int FeatureSize = 4;

    public static readonly string[] Classes = ["good", "scratch", "dent"];

    public static InputSpec Input(bool meanImage = false) => new()
    {
        Name = "Input247",
        Channels = 3,
        Height = 4,
        Width = 4,
        ChannelOrder = ChannelOrder.Bgr,
        PixelScale = 255,
        Mean = meanImage ? new MeanSpec { ImageFile = MeanImageFile.DefaultFileName } : new MeanSpec { PerChannel = [103.06f, 115.90f, 123.15f] },
        Resize = new ResizeSpec { Mode = ResizeMode.Stretch },
    };

    public static BundleManifest Manifest(bool meanImage = false) => new()
    {
        BundleId = BundleManifest.CreateBundleId("resnet18", Classes.Length, new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero)),
        CreatedAt = new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero),
        SourceModel = new SourceModelInfo { File = "ResNet18.onnx", Sha256 = new string('a', 64), Opset = 8 },
        Input = Input(meanImage),
        Features = new FeatureInfo { Tensor = "features", Size = FeatureSize },
        Classes = Classes,
        Head = new HeadSpec
        {
            Kind = HeadKind.Linear,
            Seed = 42,
            Parameters = HeadSpec.ExpectedParameters(HeadKind.Linear, 0, FeatureSize, Classes.Length),
        },
        Optimizer = new OptimizerSpec
        {
            Kind = OptimizerKind.AdamW,
            LearningRate = 0.001,
            WeightDecay = 0.0001,
            Beta1 = 0.9,
            Beta2 = 0.999,
            Epsilon = 1e-8,
            State = ["adam.m", "adam.v"],
        },
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
    };

    public static HeadCheckpoint Checkpoint()
    {
        var weight = new NamedTensor("head.weight", [FeatureSize, Classes.Length], [.. Enumerable.Range(0, FeatureSize * Classes.Length).Select(i => i * 0.25f - 1f)]);
        var bias = new NamedTensor("head.bias", [Classes.Length], [0.5f, -0.5f, float.Epsilon]);
        NamedTensor Zeros(string prefix, NamedTensor p) => new($"{prefix}.{p.Name}", p.Shape, new float[p.Data.Length]);
        return new HeadCheckpoint(
            [weight, bias],
            [Zeros("adam.m", weight), Zeros("adam.m", bias), Zeros("adam.v", weight), Zeros("adam.v", bias)],
            step: 7,
            metadata: new Dictionary<string, string> { ["headVersion"] = "1", ["note"] = "Grüße ✓" });
    }

    /// <summary>Writes a complete bundle into <paramref name="directory"/> and returns its manifest.</summary>
    public static BundleManifest Write(string directory, bool meanImage = false, bool overwrite = false)
    {
        using var writer = new BundleWriter(directory, overwrite);
        AddGraphs(writer);
        if (meanImage)
        {
            var values = Enumerable.Range(0, 3 * 4 * 4).Select(i => 100f + i).ToArray();
            writer.AddFile(MeanImageFile.DefaultFileName, BundleRoles.MeanImage, s => MeanImageFile.Write(s, values));
        }

        return writer.Commit(Manifest(meanImage));
    }

    public static void AddGraphs(BundleWriter writer)
    {
        writer.AddFile("backbone.onnx", BundleRoles.Backbone, "fake backbone graph bytes"u8.ToArray());
        writer.AddFile("train.onnx", BundleRoles.TrainingModel, "fake train graph"u8.ToArray());
        writer.AddFile("optimizer.onnx", BundleRoles.OptimizerModel, "fake optimizer graph"u8.ToArray());
        writer.AddFile("eval.onnx", BundleRoles.EvalModel, "fake eval graph"u8.ToArray());
        writer.AddFile("infer.onnx", BundleRoles.InferenceModel, "fake infer graph"u8.ToArray());
        writer.AddFile("checkpoint.etck", BundleRoles.Checkpoint, s => CheckpointFile.Write(s, Checkpoint()));
    }

    /// <summary>The repository root (the folder with EdgeTransfer.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeTransfer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tests must run inside the repository.");
    }

    /// <summary>The entries of a directory's parent that start with a dot: staging or aside folders left behind.</summary>
    public static string[] HiddenSiblings(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(Path.GetFullPath(directory))!)
            .Select(Path.GetFileName)
            .Where(n => n!.StartsWith('.'))
            .Cast<string>()];
}
