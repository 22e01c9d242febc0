using System.Diagnostics;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Onnx.Heads;
using Google.Protobuf;
using Xunit.Abstractions;

using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Training.Tests;

public class HeadTrainerTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> HeadsAndOptimizers => new()
    {
        { "linear", "adamw" },
        { "mlp:32", "adamw" },
        { "linear", "sgd" },
    };

    [Theory]
    [MemberData(nameof(HeadsAndOptimizers))]
    public void Train_ReachesHighAccuracy_OnSeparableBlobs(string headText, string optimizerText)
    {
        // Given a seeded 3-class blob problem with D = 64 and held-out points
        const int d = 64, c = 3;
        var (train, test) = Blobs.Make(c, d, trainPerClass: 200, testPerClass: 100, seed: 11);
        var head = HeadArchitecture.Parse(headText);
        var optimizer = OptimizerSettings.Parse(optimizerText);
        var options = new HeadTrainerOptions { Epochs = 20, BatchSize = 32, Seed = 5, LearningRate = optimizer.Kind == OptimizerKind.AdamW ? 0.01f : 0.05f };
        var progress = new List<EpochProgress>();
        using var trainer = CreateTrainer(head, optimizer, d, c, options);

        // When the head trains through ONNX Runtime
        var summary = trainer.Train(train, new SyncProgress(progress.Add));

        // Then held-out accuracy is at least 98 %, progress came once per epoch and the loss fell
        using var predictor = new HeadPredictor(HeadGraphs.Inference(head, d, c).ToByteArray(), trainer.ExportCheckpoint());
        var matrix = HeadEvaluator.Evaluate(predictor, test);
        output.WriteLine($"{head}/{optimizer.Name}: losses {string.Join(", ", summary.EpochLosses.Select(l => l.ToString("F4")))}");
        output.WriteLine(matrix.ToString());
        Assert.True(matrix.Accuracy >= 0.98, $"accuracy {matrix.Accuracy:P2}");
        Assert.Equal(Enumerable.Range(1, 20), progress.Select(p => p.Epoch));
        Assert.True(summary.FinalLoss < summary.EpochLosses[0]);
        Assert.Equal(20 * (long)Math.Ceiling(600 / 32.0), summary.Steps);
        Assert.Equal(summary.Steps, trainer.ExportCheckpoint().Step);
    }

    [Fact]
    public void Train_IsDeterministic_ForTheSameSeed()
    {
        // Given two trainers with the same seed and data
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        var options = new HeadTrainerOptions { Epochs = 3, BatchSize = 7, Seed = 9 };
        using var a = CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 8, 3, options);
        using var b = CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 8, 3, options);

        // When both train
        a.Train(train);
        b.Train(train);

        // Then they end with the same parameters
        Assert.Equal(a.ExportCheckpoint().Parameter("head.weight").Data, b.ExportCheckpoint().Parameter("head.weight").Data);
    }

    [Fact]
    public void Train_KeepsPreviousHead_WhenFeaturesContainNaN()
    {
        // Given a trainer that has already trained once, and data with a NaN feature
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        using var trainer = CreateTrainer(HeadArchitecture.Mlp(4), OptimizerSettings.AdamW(), 8, 3, new HeadTrainerOptions { Epochs = 2 });
        trainer.Train(train);
        var before = trainer.ExportCheckpoint();
        var features = train.Features.ToArray();
        features[5 * 8] = float.NaN;
        var bad = new FeatureSet(features, train.Labels.ToArray(), 8);

        // When it trains on the bad data
        var error = Assert.Throws<TrainingException>(() => trainer.Train(bad));

        // Then it names the sample and the head is as before
        Assert.Contains("Sample 5", error.Message, StringComparison.Ordinal);
        AssertSame(before, trainer.ExportCheckpoint());
    }

    [Fact]
    public void Train_KeepsPreviousHead_WhenLossExplodes()
    {
        // Given overlapping classes (one shared centre) and an absurd learning rate that makes SGD diverge
        var (train, _) = Blobs.Make(3, 16, 30, 1, seed: 4, centreScale: 0);
        using var trainer = CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.Sgd(), 16, 3, new HeadTrainerOptions { Epochs = 50, LearningRate = 1e4f, WeightDecay = 0 });
        var before = trainer.ExportCheckpoint();

        // When it trains
        var error = Assert.Throws<TrainingException>(() => trainer.Train(train));

        // Then the run stops with a clear message and the head, state and step are as at the start
        output.WriteLine(error.Message);
        Assert.Contains("the loss became", error.Message, StringComparison.Ordinal);
        AssertSame(before, trainer.ExportCheckpoint());
    }

    [Fact]
    public void Train_KeepsPreviousHead_WhenCancelled()
    {
        // Given a token cancelled after the first epoch
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        using var trainer = CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 8, 3, new HeadTrainerOptions { Epochs = 5 });
        var before = trainer.ExportCheckpoint();
        using var cts = new CancellationTokenSource();

        // When training is cancelled mid-run
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(train, new SyncProgress(_ => cts.Cancel()), cts.Token));

        // Then nothing of the run is kept
        AssertSame(before, trainer.ExportCheckpoint());
    }

    [Fact]
    public void Train_RejectsLabelsOutsideTheClasses()
    {
        // Given a label 3 for a 3-class head
        using var trainer = CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 2, 3, new HeadTrainerOptions());
        var data = new FeatureSet([1, 2, 3, 4], [0, 3], 2);

        // Then training refuses it, naming the sample
        var error = Assert.Throws<TrainingException>(() => trainer.Train(data));
        Assert.Contains("Sample 1 has label 3", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<HeadTrainerOptions>> BadOptions => new()
    {
        { "HeadTrainerOptions.BatchSize", o => o.BatchSize = 0 },
        { "HeadTrainerOptions.Epochs", o => o.Epochs = -1 },
        { "HeadTrainerOptions.LearningRate", o => o.LearningRate = float.NaN },
        { "HeadTrainerOptions.WeightDecay", o => o.WeightDecay = -0.1f },
        { "HeadTrainerOptions.LabelSmoothing", o => o.LabelSmoothing = 1 },
        { "HeadTrainerOptions.LossLimit", o => o.LossLimit = 0 },
        { "HeadTrainerOptions.ClassWeights", o => o.ClassWeights = [1, 1] },
        { "HeadTrainerOptions.ClassWeights", o => o.ClassWeights = [1, -1, 1] },
        { "HeadTrainerOptions.ClassWeights", o => o.ClassWeights = [0, 0, 0] },
        { "RuntimeOptions.IntraOpThreads", o => o.Runtime.IntraOpThreads = 0 },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Constructor_RejectsBadOptions_NamingTheOption(string setting, Action<HeadTrainerOptions> spoil)
    {
        // Given options with one bad value
        var options = new HeadTrainerOptions();
        spoil(options);

        // When a trainer is created, Then the error names the option
        var error = Assert.Throws<InvalidSettingException>(() => CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 4, 3, options).Dispose());
        Assert.Equal(setting, error.Setting);
    }

    [Fact]
    public void Constructor_RejectsCheckpointOfAnotherHead()
    {
        // Given graphs for D = 4 and a checkpoint for D = 5
        var checkpoint = InitialHead.Create(HeadArchitecture.Linear, 5, 3, 1);

        // Then the trainer refuses to start, naming the parameter
        var error = Assert.Throws<TrainingException>(() => new HeadTrainer(
            HeadGraphs.Training(HeadArchitecture.Linear, 4, 3).ToByteArray(),
            HeadGraphs.Optimizer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 4, 3).ToByteArray(),
            checkpoint));
        Assert.Contains("head.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WrapsRuntimeErrors_WithTheGraphName()
    {
        // Given bytes that are not a model
        var checkpoint = InitialHead.Create(HeadArchitecture.Linear, 4, 3, 1);

        // Then the runtime's error is wrapped, naming the graph
        var error = Assert.Throws<ModelFormatException>(() => new HeadTrainer([1, 2, 3], [4, 5, 6], checkpoint));
        Assert.Equal("train.onnx", error.ModelPath);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void Dispose_IsIdempotent_AndLaterUseThrows()
    {
        // Given a disposed trainer
        var trainer = CreateTrainer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 4, 3, new HeadTrainerOptions());
        trainer.Dispose();

        // Then a second dispose is harmless and use is refused
        trainer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => trainer.ExportCheckpoint());
    }

    [Fact]
    public void Timing_1000Samples30EpochsBatch32_IsPrinted()
    {
        // Informal figure (not an assertion): the later issue targets 0.5 s for this workload.
        const int d = 512, c = 3;
        var (train, _) = Blobs.Make(c, d, 334, 1, seed: 1);
        var data = new FeatureSet(train.Features.Span[..(1000 * d)].ToArray(), train.Labels.Span[..1000].ToArray(), d);
        foreach (var (threads, spinning) in new[] { (1, false), (1, true), (2, false), (2, true) })
        {
            foreach (var head in new[] { HeadArchitecture.Linear, HeadArchitecture.Mlp(128) })
            {
                var options = new HeadTrainerOptions { Epochs = 30, BatchSize = 32, LearningRate = 1e-3f, Runtime = { IntraOpThreads = threads, AllowSpinning = spinning } };
                using var trainer = CreateTrainer(head, OptimizerSettings.AdamW(), d, c, options);
                trainer.Train(new FeatureSet(data.Features.ToArray(), data.Labels.ToArray(), d, null), null); // warm-up run
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var sw = Stopwatch.StartNew();
                var summary = trainer.Train(data);
                sw.Stop();
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                output.WriteLine($"{head,-8} threads={threads} spinning={spinning,-5}: {summary.Steps} steps in {sw.Elapsed.TotalSeconds:F3} s ({sw.Elapsed.TotalMilliseconds * 1000 / summary.Steps:F1} µs/step, {allocated / summary.Steps} managed bytes/step incl. per-run setup)");
            }
        }
    }

    private static HeadTrainer CreateTrainer(HeadArchitecture head, OptimizerSettings optimizer, int d, int c, HeadTrainerOptions options) =>
        new(
            HeadGraphs.Training(head, d, c).ToByteArray(),
            HeadGraphs.Optimizer(head, optimizer, d, c).ToByteArray(),
            InitialHead.Create(head, d, c, seed: 3, optimizer),
            options);

    private static void AssertSame(HeadCheckpoint expected, HeadCheckpoint actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Parameters.Count, actual.Parameters.Count);
        foreach (var (e, a) in expected.Parameters.Concat(expected.OptimizerState).Zip(actual.Parameters.Concat(actual.OptimizerState)))
        {
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Data, a.Data);
        }
    }

    private sealed class SyncProgress(Action<EpochProgress> report) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value) => report(value);
    }
}
