using System.Globalization;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>What a run of <see cref="OnDeviceTrainer"/> did, and why the head in service is what it is now.</summary>
public sealed class OnDeviceTrainingResult
{
    /// <summary>How the run ended.</summary>
    public required TrainingOutcome Outcome { get; init; }

    /// <summary>Whether the candidate is now the head in service.</summary>
    public bool Promoted => Outcome == TrainingOutcome.Promoted;

    /// <summary>Why, as a sentence a technician can act on (both accuracies when the gate decided).</summary>
    public required string Reason { get; init; }

    /// <summary>The version in service when the run started.</summary>
    public required HeadVersion CurrentVersion { get; init; }

    /// <summary>The new version when <see cref="Promoted"/>, else null.</summary>
    public HeadVersion? PromotedVersion { get; init; }

    /// <summary>What the quality gate decided, or null when the run did not get that far.</summary>
    public QualityDecision? Decision { get; init; }

    /// <summary>The candidate's metrics on the validation samples, or null when nothing was trained.</summary>
    public HeadMetrics? Candidate { get; init; }

    /// <summary>The head in service's metrics on the same validation samples, or null when nothing was trained.</summary>
    public HeadMetrics? Current { get; init; }

    /// <summary>The candidate's confusion matrix on the validation samples.</summary>
    public ConfusionMatrix? CandidateConfusion { get; init; }

    /// <summary>The head in service's confusion matrix on the same samples.</summary>
    public ConfusionMatrix? CurrentConfusion { get; init; }

    /// <summary>The candidate's validation loss (NaN when nothing was trained).</summary>
    public double CandidateValidationLoss { get; init; } = double.NaN;

    /// <summary>The samples trained on.</summary>
    public int TrainingSamples { get; init; }

    /// <summary>The samples held out for validation.</summary>
    public int ValidationSamples { get; init; }

    /// <summary>The class weights passed to the training graph (empty when nothing was trained).</summary>
    public IReadOnlyList<float> ClassWeights { get; init; } = [];

    /// <summary>The epochs run.</summary>
    public int EpochsRun { get; init; }

    /// <summary>The epoch the candidate was taken from (0 when nothing was trained).</summary>
    public int BestEpoch { get; init; }

    /// <summary>Whether early stopping ended the run before its last epoch.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Every epoch's progress, in order.</summary>
    public IReadOnlyList<TrainingProgress> History { get; init; } = [];

    /// <summary>The optimizer steps run.</summary>
    public long Steps { get; init; }

    /// <summary>The whole run: checks, training, evaluation and promotion.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The training epochs alone (steps and per-epoch validation).</summary>
    public TimeSpan TrainingDuration { get; init; }

    /// <summary>The recipe of the candidate (<c>cosine(wd=0.01,ls=0.1)</c>, <c>prototype(t=10)</c>), or null for the epoch-by-epoch training of a non-linear head.</summary>
    public string? Recipe { get; init; }

    /// <summary>How the recipe was chosen (cross-validation folds, one held-out split, none), or null.</summary>
    public string? RecipeSelection { get; init; }

    /// <summary>The chosen recipe's accuracy on its selection folds (within the training samples), or null when nothing was validated.</summary>
    public double? RecipeValidationAccuracy { get; init; }

    /// <summary>Optimizer steps per second of <see cref="TrainingDuration"/> (0 when nothing was trained).</summary>
    public double StepsPerSecond => TrainingDuration > TimeSpan.Zero ? Steps / TrainingDuration.TotalSeconds : 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Outcome}: {Reason} ({EpochsRun} epochs, best {BestEpoch}, {Steps} steps, {Duration.TotalSeconds:F2} s)");
}
