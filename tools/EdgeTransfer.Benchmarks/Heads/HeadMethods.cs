using System.Diagnostics;
using System.Globalization;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Learning;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Training;
using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>The methods <c>bench heads</c> compares, each trained on one draw and scored on the test features.</summary>
internal sealed class HeadMethods(Bundle bundle, string backboneRole, RuntimeOptions runtime, WorkDirectory work)
{
    private readonly byte[] _train = File.ReadAllBytes(bundle.GetPath(BundleRoles.TrainingModel));
    private readonly byte[] _optimizer = File.ReadAllBytes(bundle.GetPath(BundleRoles.OptimizerModel));
    private readonly HeadCheckpoint _initial = bundle.ReadCheckpoint();

    private int ClassCount => bundle.Manifest.Classes.Count;

    /// <summary>The device's default recipe: the grid chosen by validation, then fitted on every part.</summary>
    /// <param name="data">The drawn samples.</param>
    /// <param name="parts">The part of every sample (augmented views share their image's), or null when each is its own.</param>
    /// <param name="seed">The seed of the folds and the shuffling.</param>
    public (LinearHead Head, string Detail) Recipe(FeatureSet data, IReadOnlyList<long>? parts, int seed)
    {
        var options = new RecipeOptions { Seed = seed, Runtime = runtime };
        using var fitter = new RecipeFitter(_train, _optimizer, _initial, options);
        var result = RecipeSelection.Select(fitter, data, parts, options);
        return (result.Head, result.Chosen.Name);
    }

    /// <summary>The prototypes alone (SimpleShot).</summary>
    public (LinearHead Head, string Detail) Prototype(FeatureSet data, int seed)
    {
        var options = new RecipeOptions { Seed = seed, Runtime = runtime };
        using var fitter = new RecipeFitter(_train, _optimizer, _initial, options);
        return (fitter.Fit(data, options.OneShot), options.OneShot.Name);
    }

    /// <summary>The device's recipe before issue 13: the bundle's initial head, 30 epochs of AdamW at 1e-3 on raw features (here without its 20 % hold-out).</summary>
    public (LinearHead Head, string Detail) Previous(FeatureSet data, int seed)
    {
        var counts = new int[ClassCount];
        foreach (var y in data.Labels.Span)
        {
            counts[y]++;
        }

        var options = new HeadTrainerOptions
        {
            Epochs = 30,
            Seed = seed,
            LearningRate = 1e-3f,
            Schedule = LearningRateSchedule.Cosine(warmupEpochs: 1),
            WeightDecay = (float)bundle.Manifest.Optimizer.WeightDecay,
            LabelSmoothing = (float)bundle.Manifest.Training.LabelSmoothing,
            ClassWeights = RecipeFitter.BalancedWeights(counts),
            Runtime = runtime,
        };
        using var trainer = new HeadTrainer(_train, _optimizer, _initial, options);
        trainer.Train(data);
        return (LinearHead.FromCheckpoint(trainer.ExportCheckpoint()), "30 epochs, raw features");
    }

    /// <summary>Logistic regression with C chosen by 5-fold cross-validation.</summary>
    public (LinearHead Head, string Detail) LogisticRegression(FeatureSet data, int seed)
    {
        var (head, c) = LogisticRegressionCv.Fit(data, ClassCount, seed);
        return (head, string.Create(CultureInfo.InvariantCulture, $"C={c:0.####}"));
    }

    /// <summary>
    /// The device path: the parts go into a fresh sample store (collect), the on-device trainer trains with its
    /// defaults (split, recipe, quality gate against the bundle's head), and the head in service afterwards is scored.
    /// With <paramref name="parts"/>, the rows that are views of another row go in as part of that row's sample, as the
    /// device stores collection-time augmentation.
    /// </summary>
    /// <param name="data">The drawn samples: each frame before its views.</param>
    /// <param name="parts">The row of every row's frame, or null when each row is a frame.</param>
    /// <param name="test">What the head in service is scored on.</param>
    /// <param name="method">The row's name.</param>
    /// <param name="backbone">The backbone's name.</param>
    /// <param name="shots">k.</param>
    /// <param name="seed">The draw's seed, also the trainer's.</param>
    public HeadsRun Device(FeatureSet data, IReadOnlyList<long>? parts, FeatureSet test, string method, string backbone, int shots, int seed)
    {
        var directory = work.Combine(string.Create(CultureInfo.InvariantCulture, $"{method}-{backbone}-{shots}-{seed}"));
        using var registry = HeadRegistry.OpenForBundle(Path.Combine(directory, "heads"), bundle);
        using var store = SampleStore.Open(Path.Combine(directory, "samples"), SampleStoreSchema.FromManifest(bundle.Manifest, backboneRole));
        var labels = data.Labels.Span;
        var ids = new long[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            long? partOf = parts is not null && parts[i] != i ? ids[parts[i]] : null;
            ids[i] = store.Add(bundle.Manifest.Classes[(int)labels[i]], data.Row(i), string.Create(CultureInfo.InvariantCulture, $"frame-{parts?[i] ?? i}"), partOf: partOf).Id;
        }

        var started = Stopwatch.GetTimestamp();
        var result = new OnDeviceTrainer(bundle, registry, new OnDeviceTrainerOptions { Seed = seed, Runtime = runtime }).Train(store.ReadAll());
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        using var predictor = new HeadPredictor(File.ReadAllBytes(bundle.GetPath(BundleRoles.InferenceModel)), registry.ReadCurrent(), runtime);
        // The head in service afterwards, promoted or not: what the line would run.
        var accuracy = HeadEvaluator.Evaluate(predictor, test).Accuracy;
        return new HeadsRun(method, backbone, shots, seed, accuracy, seconds, result.Promoted ? result.Recipe ?? "promoted" : result.Outcome.ToString().ToLowerInvariant() + ": " + result.Reason);
    }
}
