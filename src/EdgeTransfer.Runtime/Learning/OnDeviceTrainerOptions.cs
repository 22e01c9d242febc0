using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Training;
using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// How <see cref="OnDeviceTrainer"/> trains, validates and decides. Checked by <see cref="OnDeviceTrainerOptionsValidator"/>
/// when a trainer is created and again at the start of every run (the values are read then).
/// </summary>
public sealed class OnDeviceTrainerOptions
{
    /// <summary>The most passes over the training samples (early stopping may end sooner), 1 to 10000; default 30.</summary>
    public int Epochs { get; set; } = 30;

    /// <summary>Samples per optimizer step, 1 to 4096; default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The base learning rate, above 0; default 0.001. The <see cref="Schedule"/> scales it per epoch.</summary>
    public double LearningRate { get; set; } = 0.001;

    /// <summary>How the learning rate changes from epoch to epoch; default cosine decay after one warm-up epoch.</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Cosine(warmupEpochs: 1);

    /// <summary>The fraction of each class held out for validation, 0.05 to 0.5; default 0.2.</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Epochs without a better validation score before the run stops, 0 (never stop early) to 10000; default 5.</summary>
    public int EarlyStoppingPatience { get; set; } = 5;

    /// <summary>What "better" means for early stopping and for the best epoch; default <see cref="EarlyStoppingMetric.ValidationLoss"/>.</summary>
    public EarlyStoppingMetric EarlyStoppingMetric { get; set; } = EarlyStoppingMetric.ValidationLoss;

    /// <summary>Whether the candidate is the best epoch's head rather than the last epoch's; default true.</summary>
    public bool RestoreBestEpoch { get; set; } = true;

    /// <summary>Whether classes are weighted by inverse frequency so that a rare defect counts as much as 'good'; default true.</summary>
    public bool ClassBalanced { get; set; } = true;

    /// <summary>The fewest training samples every labelled class keeps after the split, 1 or more; default 2.</summary>
    public int MinTrainingSamplesPerClass { get; set; } = 2;

    /// <summary>The decoupled weight decay; null (default) takes the bundle's (<c>optimizer.weightDecay</c>).</summary>
    public double? WeightDecay { get; set; }

    /// <summary>ε of label smoothing; null (default) takes the bundle's (<c>training.labelSmoothing</c>).</summary>
    public double? LabelSmoothing { get; set; }

    /// <summary>The seed of the split and of the shuffling: the same samples and seed give the same head. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>A batch loss above this aborts the run as diverging; default 1000 (see <see cref="HeadTrainerOptions.LossLimit"/>).</summary>
    public double LossLimit { get; set; } = 1000;

    /// <summary>Which parameters a run starts from; default <see cref="TrainingStart.BundleCheckpoint"/>.</summary>
    public TrainingStart Start { get; set; } = TrainingStart.BundleCheckpoint;

    /// <summary>
    /// Whether a linear head is trained by the recipe chosen on validation (standardised or cosine features,
    /// prototypes, weight decay and label smoothing from a grid; see <see cref="RecipeSelection"/>) instead of the
    /// epoch-by-epoch run with early stopping; default true. Heads with hidden layers always train epoch by epoch.
    /// </summary>
    public bool SelectRecipe { get; set; } = true;

    /// <summary>The base learning rate of the recipes' trained candidates (cosine decay over a fixed number of steps); default 0.003.</summary>
    public double RecipeLearningRate { get; set; } = 0.003;

    /// <summary>When a candidate replaces the head in service.</summary>
    public QualityGateOptions Gate { get; set; } = new();

    /// <summary>Threads and spinning of the head graphs' sessions.</summary>
    public RuntimeOptions Runtime { get; set; } = new();

    /// <summary>The options that the <c>training</c> section of <c>device.json</c> describes; the rest keep their defaults.</summary>
    /// <param name="training">The validated section.</param>
    public static OnDeviceTrainerOptions FromTrainingOptions(TrainingOptions training)
    {
        ArgumentNullException.ThrowIfNull(training);
        return new OnDeviceTrainerOptions
        {
            Epochs = training.Epochs,
            BatchSize = training.BatchSize,
            LearningRate = training.LearningRate,
            ValidationFraction = training.ValidationFraction,
            EarlyStoppingPatience = training.EarlyStoppingPatience,
            Gate = training.ToQualityGateOptions(),
        };
    }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate() => OnDeviceTrainerOptionsValidator.Validate(this);
}
