using System.Globalization;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Learning.Tests.Support;
using EdgeTransfer.Training;
using Xunit.Abstractions;

namespace EdgeTransfer.Runtime.Learning.Tests;

public class OnDeviceTrainerTests(ITestOutputHelper output)
{
    // These tests are about the epoch-by-epoch run (early stopping, divergence, cancellation between epochs); the
    // recipe chosen by validation, the default, has its own tests (RecipeTrainingTests).
    private static OnDeviceTrainerOptions Fast() => new() { Epochs = 30, LearningRate = 0.05, EarlyStoppingPatience = 5, SelectRecipe = false };

    [Fact]
    public void Train_PromotesAGoodHead_OnSeparableSamples()
    {
        // Given the bundle's initial head in service and 40 separable samples per class
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 40, 40]);
        var trainer = rig.Trainer(Fast());
        var promotions = new List<HeadPromotedEventArgs>();
        trainer.HeadPromoted += (_, e) => promotions.Add(e);
        var progress = new List<TrainingProgress>();

        // When it trains
        var result = trainer.Train(samples, new SyncProgress<TrainingProgress>(progress.Add));

        // Then the candidate is promoted as v0002 with high accuracy on every class, and the event says so
        output.WriteLine(result.ToString());
        output.WriteLine(result.CandidateConfusion!.ToString());
        Assert.Equal(TrainingOutcome.Promoted, result.Outcome);
        Assert.True(result.Promoted);
        Assert.Equal(2, result.PromotedVersion!.Number);
        Assert.Equal(2, rig.Registry.Current!.Number);
        Assert.Equal(1, result.CurrentVersion.Number);
        Assert.True(result.Candidate!.ValidationAccuracy >= 0.95, result.Reason);
        Assert.All(result.Candidate.PerClass, c => Assert.True(c.Accuracy >= 0.85, $"{c.Name}: {c.Accuracy}"));
        Assert.Equal(result.Candidate.ValidationSamples, result.Current!.ValidationSamples);
        Assert.Contains("promoted", result.Reason, StringComparison.Ordinal);
        Assert.Single(promotions);
        Assert.Equal(result.PromotedVersion, promotions[0].Version);
        Assert.Same(result, promotions[0].Result);

        // And progress came once per epoch with losses, accuracy, rate, elapsed time and an ETA
        Assert.Equal(result.EpochsRun, progress.Count);
        Assert.Equal(progress, result.History);
        Assert.Equal(Enumerable.Range(1, result.EpochsRun), progress.Select(p => p.Epoch));
        Assert.All(progress, p => Assert.True(double.IsFinite(p.TrainLoss) && double.IsFinite(p.ValidationLoss) && p.LearningRate > 0 && p.EstimatedRemaining >= TimeSpan.Zero));
        Assert.True(progress[^1].Elapsed >= progress[0].Elapsed);
        Assert.True(progress[^1].TrainLoss < progress[0].TrainLoss);
        Assert.True(result.Steps > 0 && result.StepsPerSecond > 0 && result.Duration >= result.TrainingDuration);

        // And the promoted head loads as inspection would load it and classifies held-out parts
        using var predictor = rig.CurrentPredictor();
        var fresh = rig.Samples([20, 20, 20], seed: 1, noiseSeed: 99);
        var matrix = HeadEvaluator.Evaluate(predictor, new FeatureSet(fresh.Features, fresh.Labels, fresh.FeatureDimension));
        Assert.True(matrix.Accuracy >= 0.95, matrix.ToString());
        Assert.Equal(result.EpochsRun.ToString(CultureInfo.InvariantCulture), rig.Registry.ReadCurrent().Metadata["training.epochs"]);
    }

    [Fact]
    public void Train_SplitsStratified_AndWeightsClassesByInverseFrequency()
    {
        // Given unbalanced classes: 40 good, 20 scratch, 10 dent
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 20, 10]);

        // When it trains with a 20 % validation split
        var result = rig.Trainer(Fast()).Train(samples);

        // Then every class is in validation in proportion (8, 4, 2) and the rest trains (32, 16, 8)
        Assert.Equal([8, 4, 2], result.Candidate!.PerClass.Select(c => c.Samples));
        Assert.Equal(["good", "scratch", "dent"], result.Candidate.PerClass.Select(c => c.Name));
        Assert.Equal(56, result.TrainingSamples);
        Assert.Equal(14, result.ValidationSamples);

        // And the class weights are N / (K·n_c): the weighted count of every class is the same, and they average 1 per sample
        Assert.Equal(56.0 / (3 * 32), result.ClassWeights[0], 5);
        Assert.Equal(56.0 / (3 * 16), result.ClassWeights[1], 5);
        Assert.Equal(56.0 / (3 * 8), result.ClassWeights[2], 5);
        Assert.Equal(56, (32 * result.ClassWeights[0]) + (16 * result.ClassWeights[1]) + (8 * result.ClassWeights[2]), 3);
    }

    [Fact]
    public void Train_IsDeterministic_ForTheSameSamplesAndSeed()
    {
        // Given two devices with the same bundle and samples
        using var a = new TrainingRig();
        using var b = new TrainingRig();

        // When both train with the same seed
        var ra = a.Trainer(Fast()).Train(a.Samples([30, 30, 30]));
        var rb = b.Trainer(Fast()).Train(b.Samples([30, 30, 30]));

        // Then they promote the same head
        Assert.True(ra.Promoted && rb.Promoted);
        Assert.Equal(a.Registry.ReadCurrent().Parameter("head.weight").Data, b.Registry.ReadCurrent().Parameter("head.weight").Data);
    }

    [Fact]
    public void Train_KeepsTheCurrentHead_WhenTheRunIsWorse()
    {
        // Given a well-trained head in service
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 40, 40]);
        Assert.True(rig.Trainer(Fast()).Train(samples).Promoted);
        var inService = rig.Registry.Current!;

        // When a run that barely trains (one epoch at a negligible rate) is measured against it
        var weak = new OnDeviceTrainerOptions { Epochs = 1, LearningRate = 1e-7, Schedule = LearningRateSchedule.Constant, SelectRecipe = false };
        var trainer = rig.Trainer(weak);
        var promoted = false;
        trainer.HeadPromoted += (_, _) => promoted = true;
        var result = trainer.Train(samples);

        // Then the gate keeps the head in service, and the reason names both accuracies and the version kept
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.KeptByQualityGate, result.Outcome);
        Assert.False(promoted);
        Assert.Null(result.PromotedVersion);
        Assert.Equal(inService, rig.Registry.Current);
        Assert.True(result.Candidate!.ValidationAccuracy < result.Current!.ValidationAccuracy);
        Assert.Contains(Accuracy(result.Candidate.ValidationAccuracy), result.Reason, StringComparison.Ordinal);
        Assert.Contains(Accuracy(result.Current.ValidationAccuracy), result.Reason, StringComparison.Ordinal);
        Assert.Contains($"kept {inService.Name}", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_KeepsTheCurrentHead_WhenAFeatureIsNaN()
    {
        // Given samples of which one carries a NaN feature (bit rot after it was stored)
        using var rig = new TrainingRig();
        var samples = rig.Samples([20, 20, 20]);
        samples.Features[(7 * rig.Features) + 3] = float.NaN;

        // When it trains
        var result = rig.Trainer(Fast()).Train(samples);

        // Then nothing is trained, and the reason names the sample, its class and the feature
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.Refused, result.Outcome);
        Assert.Contains($"sample {samples.Ids[7]}", result.Reason, StringComparison.Ordinal);
        Assert.Contains("NaN feature (index 3)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("v0001 stays in service", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, rig.Registry.Current!.Number);
        Assert.Empty(result.History);
    }

    [Theory]
    [InlineData("adamw", 1e6)]
    [InlineData("sgd", 1e4)]
    public void Train_KeepsTheCurrentHead_WhenTheLearningRateIsAbsurd(string optimizer, double learningRate)
    {
        // Given overlapping classes and an absurd learning rate
        using var rig = new TrainingRig(optimizer: optimizer);
        var samples = rig.Samples([30, 30, 30], centreScale: 0.5);
        var trainer = rig.Trainer(new OnDeviceTrainerOptions { LearningRate = learningRate, Schedule = LearningRateSchedule.Constant, WeightDecay = 0, SelectRecipe = false });

        // When it trains
        var result = trainer.Train(samples);

        // Then the run aborts as diverged, says why, and nothing is promoted
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Contains("Training stopped", result.Reason, StringComparison.Ordinal);
        Assert.Contains("lower the learning rate", result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("v0001 stays in service", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, rig.Registry.Current!.Number);
        Assert.Single(rig.Registry.Versions);
    }

    [Fact]
    public void Train_RefusesASingleClass_BeforeTraining()
    {
        // Given samples of 'good' only
        using var rig = new TrainingRig();
        var samples = rig.Samples([30, 0, 0]);
        var progress = 0;

        // When it trains
        var result = rig.Trainer(Fast()).Train(samples, new SyncProgress<TrainingProgress>(_ => progress++));

        // Then it is refused with the reason, before any epoch
        Assert.Equal(TrainingOutcome.Refused, result.Outcome);
        Assert.Contains("only 'good' has samples; label at least one other class", result.Reason, StringComparison.Ordinal);
        Assert.Equal(0, progress);
        Assert.Equal(1, rig.Registry.Current!.Number);
    }

    [Fact]
    public void Train_RefusesAClassWithTooFewSamples_NamingCountsAndMinimum()
    {
        // Given 'scratch' with 3 samples, where each class needs 2 to validate and 2 to train
        using var rig = new TrainingRig();
        var samples = rig.Samples([30, 3, 30]);

        // When it trains
        var result = rig.Trainer(Fast()).Train(samples);

        // Then the reason names the class, its count, the minimum and how many more to label
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.Refused, result.Outcome);
        Assert.Contains("'scratch' has 3", result.Reason, StringComparison.Ordinal);
        Assert.Contains("at least 4 (2 for validation, 2 for training)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("1 more 'scratch'", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_RefusesASetTooSmallToValidate_NamingCountsAndMinimum()
    {
        // Given 5 samples per class: a 20 % split holds 2 of each, 6 in all, and the gate needs 10
        using var rig = new TrainingRig();
        var samples = rig.Samples([5, 5, 5]);

        // When it trains
        var result = rig.Trainer(Fast()).Train(samples);

        // Then it is refused, naming both numbers
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.Refused, result.Outcome);
        Assert.Contains("6 validation samples", result.Reason, StringComparison.Ordinal);
        Assert.Contains("the 10 the quality gate needs", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_RefusesFeaturesOfAnotherSize()
    {
        // Given a store of 8 features for a bundle of 16
        using var rig = new TrainingRig();
        var samples = Samples.Fill(rig.Path + "/other", 8, [20, 20, 20]);

        // When it trains, Then it is refused naming both sizes
        var result = rig.Trainer(Fast()).Train(samples);
        Assert.Equal(TrainingOutcome.Refused, result.Outcome);
        Assert.Contains("the samples have 8 features but the bundle's head takes 16", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_LeavesTheRegistryUnchanged_WhenCancelledMidRun()
    {
        // Given a run that is cancelled during its third epoch
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 40, 40]);
        var files = Directory.GetFiles(rig.Registry.DirectoryPath).Order().ToArray();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.Epoch == 2)
            {
                cts.Cancel();
            }
        });

        // When it trains
        Assert.ThrowsAny<OperationCanceledException>(() => rig.Trainer(Fast()).Train(samples, progress, cts.Token));

        // Then the registry holds exactly what it held before
        Assert.Equal(1, rig.Registry.Current!.Number);
        Assert.Equal(files, Directory.GetFiles(rig.Registry.DirectoryPath).Order().ToArray());
    }

    [Fact]
    public async Task TrainAsync_LeavesTheRegistryUnchanged_WhenCancelled()
    {
        // Given a background run that is cancelled from another thread after its first epoch
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 40, 40]);
        using var cts = new CancellationTokenSource();
        using var firstEpoch = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        var trainer = rig.Trainer(Fast());
        var task = trainer.TrainAsync(samples, new SyncProgress<TrainingProgress>(_ =>
        {
            firstEpoch.Set();
            resume.Wait();
        }), cts.Token);

        // When the caller cancels while it runs
        Assert.True(firstEpoch.Wait(TimeSpan.FromSeconds(30)));
        Assert.True(trainer.IsRunning);
        cts.Cancel();
        resume.Set();

        // Then the task ends cancelled and nothing was promoted
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.False(trainer.IsRunning);
        Assert.Equal(1, rig.Registry.Current!.Number);
    }

    [Fact]
    public async Task Train_RefusesASecondRunWhileOneIsInProgress()
    {
        // Given a background run held inside its first epoch
        using var rig = new TrainingRig();
        var samples = rig.Samples([20, 20, 20]);
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var trainer = rig.Trainer(Fast());
        var task = trainer.TrainAsync(samples, new SyncProgress<TrainingProgress>(_ =>
        {
            inside.Set();
            release.Wait();
        }));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));

        // When a second run starts, Then it is refused and the first one finishes normally
        var error = Assert.Throws<InvalidOperationException>(() => trainer.Train(samples));
        Assert.Contains("already in progress", error.Message, StringComparison.Ordinal);
        release.Set();
        var result = await task;
        Assert.True(result.Promoted, result.Reason);
    }

    [Fact]
    public void Train_EndsOnTheBestEpoch_WhenEarlyStoppingStopsIt()
    {
        // Given few, heavily overlapping samples and a high constant rate: the validation loss falls, then rises as the head overfits
        using var rig = new TrainingRig();
        var samples = rig.Samples([25, 25, 25], seed: 3, centreScale: 0.45);
        var options = new OnDeviceTrainerOptions { Epochs = 200, LearningRate = 0.05, Schedule = LearningRateSchedule.Constant, EarlyStoppingPatience = 4, WeightDecay = 0, Gate = { Margin = 1 }, SelectRecipe = false };

        // When it trains
        var result = rig.Trainer(options).Train(samples);

        // Then it stopped early, `patience` epochs after the best one, and the candidate is the best epoch's head
        foreach (var p in result.History)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch,3}: train {p.TrainLoss:F4} val {p.ValidationLoss:F4} acc {p.ValidationAccuracy:F3}{(p.IsBest ? " best" : string.Empty)}"));
        }

        Assert.True(result.StoppedEarly, result.ToString());
        Assert.Equal(result.BestEpoch + 4, result.EpochsRun);
        var best = result.History[result.BestEpoch - 1];
        Assert.True(best.IsBest);
        Assert.Equal(result.History.Min(h => h.ValidationLoss), best.ValidationLoss);
        Assert.Equal(best.ValidationLoss, result.CandidateValidationLoss, 5);
        Assert.NotEqual(result.History[^1].ValidationLoss, result.CandidateValidationLoss, 5);
        Assert.Equal(best.ValidationAccuracy, result.Candidate!.ValidationAccuracy, 9);
        Assert.Equal(result.BestEpoch.ToString(CultureInfo.InvariantCulture), rig.Registry.ReadCurrent().Metadata["training.bestEpoch"]);
    }

    [Fact]
    public async Task TrainAsync_RunsBesideInspection_WhichSwitchesHeadsThroughTheEvent()
    {
        // Given an inspection loop predicting with the head in service on this thread
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 40, 40]);
        using var inspection = rig.CurrentPredictor();
        var handOver = new System.Collections.Concurrent.ConcurrentQueue<HeadPromotedEventArgs>();
        var trainer = rig.Trainer(Fast());
        trainer.HeadPromoted += (_, e) => handOver.Enqueue(e);
        var frame = samples.FeaturesOf(0).ToArray();
        var probabilities = new float[3];

        // When training runs in the background while inspection keeps predicting
        var task = trainer.TrainAsync(samples);
        var frames = 0;
        while (!task.IsCompleted || frames == 0)
        {
            inspection.Predict(frame, probabilities);
            Assert.All(probabilities, p => Assert.True(float.IsFinite(p)));
            frames++;
        }

        var result = await task;
        Assert.True(handOver.TryDequeue(out var promoted));
        inspection.UpdateParameters(promoted.Head);

        // Then inspection now predicts exactly as the registry's head in service does
        output.WriteLine($"{frames} frames inspected while training; {result}");
        using var reference = rig.CurrentPredictor();
        Assert.Equal(reference.Predict(samples.Features), inspection.Predict(samples.Features));
        Assert.Equal(result.PromotedVersion, rig.Registry.Current);
    }

    [Fact]
    public void Train_DoesNotPromoteOverAHeadPutInServiceDuringTheRun()
    {
        // Given v0002 trained and in service, and a second run during which a technician rolls back (v0003 = v0001)
        using var rig = new TrainingRig();
        var samples = rig.Samples([30, 30, 30]);
        Assert.True(rig.Trainer(Fast()).Train(samples).Promoted);
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.Epoch == 1)
            {
                rig.Registry.Rollback();
            }
        });

        // When the second run ends with a candidate the gate accepts against v0002
        var result = rig.Trainer(Fast()).Train(samples, progress);

        // Then it is not promoted over the rollback, and says so
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.Superseded, result.Outcome);
        Assert.True(result.Decision!.Promote);
        Assert.Contains("Not promoted: v0003 was put in service while this run compared against v0002", result.Reason, StringComparison.Ordinal);
        Assert.Equal(3, rig.Registry.Current!.Number);
        Assert.Equal(HeadSource.Rollback, rig.Registry.Current.Source);
    }

    [Fact]
    public void Train_CanFineTuneTheCurrentHead()
    {
        // Given a trained head in service
        using var rig = new TrainingRig();
        var samples = rig.Samples([30, 30, 30]);
        Assert.True(rig.Trainer(Fast()).Train(samples).Promoted);

        // When a run starts from it rather than from the bundle's checkpoint, for one epoch at a small rate
        var result = rig.Trainer(new OnDeviceTrainerOptions { Start = TrainingStart.CurrentHead, Epochs = 1, LearningRate = 1e-4, SelectRecipe = false }).Train(samples);

        // Then the candidate is as good as the head it started from, and it is promoted
        Assert.True(result.Promoted, result.Reason);
        Assert.Equal(result.Current!.ValidationAccuracy, result.Candidate!.ValidationAccuracy, 9);
        Assert.Equal(3, rig.Registry.Current!.Number);
    }

    [Fact]
    public void FromTrainingOptions_MapsTheDeviceJsonSection()
    {
        // Given a training section of device.json
        var training = new TrainingOptions { Epochs = 12, BatchSize = 16, LearningRate = 0.01, ValidationFraction = 0.25, EarlyStoppingPatience = 3, MarginToPromote = 0.02, MinValidationSamples = 6, MinValidationSamplesPerClass = 3 };

        // When mapped
        var options = OnDeviceTrainerOptions.FromTrainingOptions(training);

        // Then every key lands where it belongs and the result is valid
        Assert.Equal((12, 16, 0.01, 0.25, 3), (options.Epochs, options.BatchSize, options.LearningRate, options.ValidationFraction, options.EarlyStoppingPatience));
        Assert.Equal((0.02, 6, 3), (options.Gate.Margin, options.Gate.MinValidationSamples, options.Gate.MinValidationSamplesPerClass));
        options.Validate();
    }

    public static TheoryData<string, Action<OnDeviceTrainerOptions>> BadOptions => new()
    {
        { "OnDeviceTrainerOptions.Epochs", o => o.Epochs = 0 },
        { "OnDeviceTrainerOptions.BatchSize", o => o.BatchSize = 5000 },
        { "OnDeviceTrainerOptions.LearningRate", o => o.LearningRate = double.NaN },
        { "OnDeviceTrainerOptions.ValidationFraction", o => o.ValidationFraction = 0.9 },
        { "OnDeviceTrainerOptions.EarlyStoppingPatience", o => o.EarlyStoppingPatience = -1 },
        { "OnDeviceTrainerOptions.WeightDecay", o => o.WeightDecay = 1 },
        { "OnDeviceTrainerOptions.LabelSmoothing", o => o.LabelSmoothing = -0.1 },
        { "OnDeviceTrainerOptions.MinTrainingSamplesPerClass", o => o.MinTrainingSamplesPerClass = 0 },
        { "OnDeviceTrainerOptions.Start", o => o.Start = (TrainingStart)7 },
        { "HeadTrainerOptions.Schedule.StepFactor", o => o.Schedule = LearningRateSchedule.Step(5, 0) },
        { "RuntimeOptions.IntraOpThreads", o => o.Runtime.IntraOpThreads = 0 },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Constructor_RejectsBadOptions_NamingTheOption(string setting, Action<OnDeviceTrainerOptions> spoil)
    {
        // Given options with one bad value
        using var rig = new TrainingRig();
        var options = new OnDeviceTrainerOptions();
        spoil(options);

        // When a trainer is created, Then the error names the option
        var error = Assert.Throws<InvalidSettingException>(() => rig.Trainer(options));
        Assert.Equal(setting, error.Setting);
    }

    [Fact]
    public void Constructor_RejectsARegistryOfAnotherBundle()
    {
        // Given a registry opened for another bundle id
        using var rig = new TrainingRig();
        using var other = HeadRegistry.Open(rig.Path + "/other-heads", "another-bundle");

        // Then the trainer refuses it, naming both
        var error = Assert.Throws<ArgumentException>(() => new OnDeviceTrainer(rig.Bundle, other));
        Assert.Contains("another-bundle", error.Message, StringComparison.Ordinal);
    }

    // The quality gate's number format ("0.00##").
    private static string Accuracy(double value) => value.ToString("0.00##", CultureInfo.InvariantCulture);
}
