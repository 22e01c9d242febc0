using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Evaluation;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Learning.Tests.Support;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Training;
using EdgeTransfer.Training.Recipes;
using Xunit.Abstractions;

namespace EdgeTransfer.Runtime.Learning.Tests;

/// <summary>The device's default recipe (chosen by validation, folded into a linear head) and evaluation on stored samples.</summary>
public class RecipeTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void Train_WithTheDefaultRecipe_PromotesAHeadThatTheUnchangedInferenceGraphRuns_AndRecordsTheRecipe()
    {
        // Given 40 separable samples per class and the default options (recipe selection on)
        using var rig = new TrainingRig();
        var samples = rig.Samples([40, 40, 40]);

        // When it trains
        var result = rig.Trainer(new OnDeviceTrainerOptions()).Train(samples);

        // Then a recipe was chosen on validation folds of the training samples and the head is promoted
        output.WriteLine(result.Reason);
        Assert.Equal(TrainingOutcome.Promoted, result.Outcome);
        Assert.NotNull(result.Recipe);
        Assert.Contains("held-out split", result.RecipeSelection, StringComparison.Ordinal);
        Assert.True(result.RecipeValidationAccuracy >= 0.9, result.RecipeValidationAccuracy?.ToString());
        var metadata = rig.Registry.ReadCurrent().Metadata;
        Assert.Equal(result.Recipe, metadata["training.recipe.name"]);
        Assert.True(metadata.ContainsKey("training.recipe.validationAccuracy"));

        // And the bundle's own infer.onnx classifies held-out parts with the folded head
        using var predictor = rig.CurrentPredictor();
        var fresh = rig.Samples([20, 20, 20], noiseSeed: 99);
        Assert.True(HeadEvaluator.Evaluate(predictor, new FeatureSet(fresh.Features, fresh.Labels, fresh.FeatureDimension)).Accuracy >= 0.95);
    }

    [Fact]
    public void Fold_GivesTheSameLogitsOnRawFeatures_AsTheHeadOnStandardisedOnes()
    {
        // Given standardised features and a random head on them
        using var rig = new TrainingRig();
        var samples = rig.Samples([10, 10, 10]);
        var data = new FeatureSet(samples.Features, samples.Labels, samples.FeatureDimension);
        var transform = FeatureTransform.Fit(data, standardise: true, normalise: false);
        var rng = new Random(3);
        var head = new LinearHead(16, 3, [.. Enumerable.Range(0, 48).Select(_ => (float)rng.NextDouble() - 0.5f)], [0.1f, -0.2f, 0.3f]);

        // When the transform is folded into the head
        var folded = transform.Fold(head);

        // Then the folded head on raw features equals the head on transformed features
        var z = transform.Apply(data);
        Span<float> a = stackalloc float[3], b = stackalloc float[3];
        for (var i = 0; i < data.Count; i++)
        {
            folded.Logits(data.Row(i), a);
            head.Logits(z.Row(i), b);
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(b[c], a[c], 3);
            }
        }
    }

    [Fact]
    public void Select_RefusesSamplesOfOneClassOnly()
    {
        using var rig = new TrainingRig();
        var samples = rig.Samples([12, 0, 0]);
        using var fitter = Fitter(rig);

        var error = Assert.Throws<ArgumentException>(() => RecipeSelection.Select(fitter, new FeatureSet(samples.Features, samples.Labels, 16), null, new RecipeOptions()));
        Assert.Contains("at least two classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainedCandidates_ShareOnePairOfSessions_WithoutCarryingStateFromOneToTheNext()
    {
        // Given samples and two trained candidates
        using var rig = new TrainingRig();
        var samples = rig.Samples([15, 15, 15]);
        var data = new FeatureSet(samples.Features, samples.Labels, samples.FeatureDimension);
        var first = new RecipeCandidate(RecipeKind.Standardised, 10, 0.5f, 0.1f);
        var second = new RecipeCandidate(RecipeKind.Cosine, 10, 0.01f, 0f);

        // When one fitter trains both in turn (its sessions lent to each), and a fresh fitter trains the second alone
        LinearHead afterAnother;
        using (var shared = Fitter(rig))
        {
            shared.Fit(data, first);
            afterAnother = shared.Fit(data, second);
        }

        using var fresh = Fitter(rig);
        var alone = fresh.Fit(data, second);

        // Then the second head is the same bit for bit: a run leaves nothing in the sessions for the next
        Assert.Equal(alone.Weight, afterAnother.Weight);
        Assert.Equal(alone.Bias, afterAnother.Bias);

        // And a closed fitter refuses to train
        fresh.Dispose();
        Assert.Throws<ObjectDisposedException>(() => fresh.Fit(data, second));
    }

    [Fact]
    public void Folds_NeverSplitTheCopiesOfOnePart()
    {
        // Given 3 classes of 6 parts stored 3 times each (a frame labelled again, augmented copies)
        var labels = Enumerable.Range(0, 54).Select(i => (long)(i / 3 % 3)).ToArray();
        var parts = Enumerable.Range(0, 54).Select(i => (long)(i / 3)).ToArray();
        var data = new FeatureSet(new float[54 * 2], labels, 2);

        // When the folds are dealt (cross-validation, 5 folds) and one split is held out
        foreach (var folds in new[] { 5, 1 })
        {
            var assignment = RecipeSelection.AssignFolds(RecipeSelection.PartsByClass(data, parts, 3), folds, 0.2, 7, 54);

            // Then every copy of a part is in the same fold
            Assert.All(Enumerable.Range(0, 18), p => Assert.Single(Enumerable.Range(0, 54).Where(i => parts[i] == p).Select(i => assignment[i]).Distinct()));
        }
    }

    [Fact]
    public void EvaluateStored_CountsOnlySamplesTheHeadNeverTrainedOn_NorCopiesOfThem()
    {
        // Given a head trained on some of the stored samples, and a copy of a trained frame stored later
        using var rig = new TrainingRig();
        var directory = Path.Combine(rig.Path, "evaluated");
        Samples.Fill(directory, 16, [30, 30, 30]);
        var result = rig.Trainer(new OnDeviceTrainerOptions()).Train(ReadAll(directory));
        Assert.True(result.Promoted, result.Reason);
        var trained = TrainedSamples.Parse(rig.Registry.ReadCurrent().Metadata)!;
        Assert.Equal(result.TrainingSamples, trained.Count);
        using (var store = SampleStore.Open(directory, new SampleStoreSchema(16, LearningBundle.Classes)))
        {
            var copyOf = trained.First();
            store.Add(LearningBundle.Classes[0], store.ReadFeatures(copyOf)!, "copy");
        }

        // When the head in service and the bundle's head are evaluated on the store
        var samples = ReadAll(directory);
        var report = Evaluate(rig, rig.Registry.Current!, samples);
        var initial = Evaluate(rig, rig.Registry.Versions[0], samples);

        // Then the trained head is graded on the validation samples only; the bundle's head, trained on none, on all
        output.WriteLine(report.Data);
        Assert.Equal(result.ValidationSamples, report.Count);
        Assert.Equal(report.Count, report.ConfusionMatrix.Sum(r => r.Sum()));
        Assert.True(report.Accuracy >= 0.9);
        Assert.Equal(samples.Count, initial.Count);
    }

    [Fact]
    public void EvaluateStored_RefusesWhenNoSampleIsLeft_NamingWhatToDo()
    {
        // Given an empty store, Then the bundle's head cannot be evaluated on it
        using var rig = new TrainingRig();
        var directory = Path.Combine(rig.Path, "empty");
        Samples.Fill(directory, 16, [0, 0, 0]);
        var empty = Assert.Throws<InvalidOperationException>(() => Evaluate(rig, rig.Registry.Current!, ReadAll(directory)));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);

        // And a head whose every sample trained it cannot be graded on them
        var full = Path.Combine(rig.Path, "full");
        Samples.Fill(full, 16, [30, 30, 30]);
        var all = ReadAll(full);
        var head = rig.Registry.ReadCurrent();
        var metadata = new Dictionary<string, string>(head.Metadata) { [TrainedSamples.MetadataKey] = TrainedSamples.Format(all.Ids) };
        var version = rig.Registry.Promote(new Artifacts.Checkpoints.HeadCheckpoint(head.Parameters, head.OptimizerState, head.Step, metadata), new HeadMetrics(0.5, 10, all.Count, []));
        var none = Assert.Throws<InvalidOperationException>(() => Evaluate(rig, version, all));
        Assert.Contains("none is left to evaluate it on", none.Message, StringComparison.Ordinal);
    }

    private static RecipeFitter Fitter(TrainingRig rig) =>
        new(File.ReadAllBytes(rig.Bundle.GetPath(BundleRoles.TrainingModel)), File.ReadAllBytes(rig.Bundle.GetPath(BundleRoles.OptimizerModel)), rig.Bundle.ReadCheckpoint(), new RecipeOptions());

    private static SampleSet ReadAll(string directory)
    {
        using var store = SampleStore.Open(directory, new SampleStoreSchema(16, LearningBundle.Classes));
        return store.ReadAll();
    }

    private static EvaluationReport Evaluate(TrainingRig rig, HeadVersion version, SampleSet samples) =>
        StoredSampleEvaluator.Evaluate(
            rig.Bundle.Manifest.BundleId,
            head => HeadPredictor.Load(rig.Bundle.GetPath(BundleRoles.InferenceModel), head),
            rig.Registry,
            version,
            samples,
            new VerdictPolicy(LearningBundle.Classes));
}
