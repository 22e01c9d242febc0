using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Onnx.Heads;
using Google.Protobuf;

namespace EdgeTransfer.Training.Tests;

public class HeadTrainerEpochCallbackTests
{
    [Fact]
    public void Train_EndsOnTheEpochMarkedBest_WhenTheCallbackStops()
    {
        // Given a trainer and a callback that marks epoch 2 best and stops after epoch 4
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        using var trainer = CreateTrainer(new HeadTrainerOptions { Epochs = 10, BatchSize = 7, Seed = 1 });
        HeadCheckpoint? atEpoch2 = null;
        var seen = new List<int>();

        // When it trains
        var summary = trainer.Train(train, p =>
        {
            seen.Add(p.Epoch);
            if (p.Epoch == 2)
            {
                atEpoch2 = trainer.ExportCheckpoint();
                return EpochDecision.Best;
            }

            return p.Epoch == 4 ? EpochDecision.StopNow : EpochDecision.Continue;
        }, CancellationToken.None);

        // Then 4 epochs ran, and the head, its optimizer state and step are exactly those after epoch 2
        Assert.Equal([1, 2, 3, 4], seen);
        Assert.Equal(4, summary.EpochsRun);
        Assert.Equal(2, summary.BestEpoch);
        Assert.True(summary.StoppedEarly);
        Assert.Equal(4 * 9, summary.Steps);
        Assert.Equal(2 * 9, summary.TotalSteps);
        AssertSame(atEpoch2!, trainer.ExportCheckpoint());
    }

    [Fact]
    public void Train_EndsOnTheLastEpoch_WhenNoEpochIsMarkedBest()
    {
        // Given a callback that never marks an epoch
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        using var a = CreateTrainer(new HeadTrainerOptions { Epochs = 3 });
        using var b = CreateTrainer(new HeadTrainerOptions { Epochs = 3 });

        // When one trains with the callback and the other without
        var summary = a.Train(train, _ => EpochDecision.Continue, CancellationToken.None);
        b.Train(train);

        // Then both end on the same head
        Assert.Equal(3, summary.BestEpoch);
        Assert.False(summary.StoppedEarly);
        AssertSame(b.ExportCheckpoint(), a.ExportCheckpoint());
    }

    [Fact]
    public void Train_RestoresTheStart_WhenTheCallbackThrows()
    {
        // Given a callback that fails in epoch 2, after marking epoch 1 best
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        using var trainer = CreateTrainer(new HeadTrainerOptions { Epochs = 5 });
        var before = trainer.ExportCheckpoint();

        // When it trains, Then the error comes through and nothing of the run is kept
        Assert.Throws<TrainingException>(() => trainer.Train(train, p => p.Epoch == 1 ? EpochDecision.Best : throw new TrainingException("validation broke"), CancellationToken.None));
        AssertSame(before, trainer.ExportCheckpoint());
    }

    [Fact]
    public void Train_FollowsTheSchedule_AndReportsTheRateOfEveryEpoch()
    {
        // Given a step schedule ×0.5 every epoch
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        using var trainer = CreateTrainer(new HeadTrainerOptions { Epochs = 3, LearningRate = 0.04f, Schedule = LearningRateSchedule.Step(1, 0.5) });
        var rates = new List<double>();

        // When it trains
        trainer.Train(train, p =>
        {
            rates.Add(p.LearningRate);
            return EpochDecision.Continue;
        }, CancellationToken.None);

        // Then the rates are 0.04, 0.02, 0.01
        Assert.Equal([0.04, 0.02, 0.01], rates, (x, y) => Math.Abs(x - y) < 1e-7);
    }

    [Fact]
    public void Train_WithTheScheduleAtRateZeroAfterEpochOne_LeavesTheHeadAsEpochOneMadeIt()
    {
        // Given SGD without momentum or weight decay, and a schedule whose rate after epoch 1 underflows to 0
        var (train, _) = Blobs.Make(3, 8, 20, 1, seed: 2);
        var options = new HeadTrainerOptions { Epochs = 3, LearningRate = 0.1f, WeightDecay = 0, Schedule = LearningRateSchedule.Step(1, 1e-300) };
        using var trainer = new HeadTrainer(
            HeadGraphs.Training(HeadArchitecture.Linear, 8, 3).ToByteArray(),
            HeadGraphs.Optimizer(HeadArchitecture.Linear, OptimizerSettings.Sgd(momentum: 0, weightDecay: 0), 8, 3).ToByteArray(),
            InitialHead.Create(HeadArchitecture.Linear, 8, 3, seed: 3, OptimizerSettings.Sgd(momentum: 0, weightDecay: 0)),
            options);
        HeadCheckpoint? afterEpoch1 = null;

        // When it trains 3 epochs
        trainer.Train(train, p =>
        {
            afterEpoch1 ??= trainer.ExportCheckpoint();
            return EpochDecision.Continue;
        }, CancellationToken.None);

        // Then epochs 2 and 3 changed no parameter: the rate really reached the optimizer graph
        Assert.Equal(afterEpoch1!.Parameter("head.weight").Data, trainer.ExportCheckpoint().Parameter("head.weight").Data);
    }

    [Fact]
    public void HeadPredictor_UpdateParametersFromTrainer_MatchesTheExportedCheckpoint()
    {
        // Given a trained trainer and a predictor of the initial head
        var (train, test) = Blobs.Make(3, 8, 20, 10, seed: 2);
        using var trainer = CreateTrainer(new HeadTrainerOptions { Epochs = 3 });
        trainer.Train(train);
        var infer = HeadGraphs.Inference(HeadArchitecture.Linear, 8, 3).ToByteArray();
        using var fromTrainer = new HeadPredictor(infer, InitialHead.Create(HeadArchitecture.Linear, 8, 3, seed: 9));
        using var fromCheckpoint = new HeadPredictor(infer, trainer.ExportCheckpoint());

        // When it takes the trainer's parameters straight from the native buffers
        fromTrainer.UpdateParameters(trainer);

        // Then it predicts exactly as a predictor of the exported checkpoint
        Assert.Equal(fromCheckpoint.Predict(test.Features.Span), fromTrainer.Predict(test.Features.Span));
    }

    [Theory]
    [InlineData("HeadTrainerOptions.Schedule.WarmupEpochs")]
    [InlineData("HeadTrainerOptions.Schedule.MinimumFactor")]
    [InlineData("HeadTrainerOptions.Schedule.StepEpochs")]
    [InlineData("HeadTrainerOptions.Schedule.StepFactor")]
    public void Constructor_RejectsABadSchedule_NamingTheValue(string setting)
    {
        // Given a schedule with one bad value
        var schedule = setting[(setting.LastIndexOf('.') + 1)..] switch
        {
            "WarmupEpochs" => LearningRateSchedule.Cosine(warmupEpochs: -1),
            "MinimumFactor" => LearningRateSchedule.Cosine(minimumFactor: 1.5),
            "StepEpochs" => LearningRateSchedule.Step(0, 0.5),
            _ => LearningRateSchedule.Step(3, 2),
        };

        // Then the trainer refuses it, naming the value
        var error = Assert.Throws<InvalidSettingException>(() => CreateTrainer(new HeadTrainerOptions { Schedule = schedule }).Dispose());
        Assert.Equal(setting, error.Setting);
    }

    private static HeadTrainer CreateTrainer(HeadTrainerOptions options) =>
        new(
            HeadGraphs.Training(HeadArchitecture.Linear, 8, 3).ToByteArray(),
            HeadGraphs.Optimizer(HeadArchitecture.Linear, OptimizerSettings.AdamW(), 8, 3).ToByteArray(),
            InitialHead.Create(HeadArchitecture.Linear, 8, 3, seed: 3),
            options);

    private static void AssertSame(HeadCheckpoint expected, HeadCheckpoint actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        foreach (var (e, a) in expected.Parameters.Concat(expected.OptimizerState).Zip(actual.Parameters.Concat(actual.OptimizerState), (e, a) => (e, a)))
        {
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Data, a.Data);
        }
    }
}
