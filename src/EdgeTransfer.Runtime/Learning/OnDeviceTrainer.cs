using System.Globalization;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Training;
using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// Trains a new head on the device from the stored samples and puts it in service only when the quality gate
/// says it is at least as good as the head in service on the same validation samples.
/// </summary>
/// <remarks>
/// <para>A run: checks the samples (refuses with a reason, before any training, when they cannot make a head),
/// splits them stratified and seeded, trains with the bundle's <c>train.onnx</c>/<c>optimizer.onnx</c>
/// (class-balanced weights, learning-rate schedule, early stopping on the validation samples, the best epoch's
/// parameters kept), evaluates the candidate and the head in service on the same validation samples with
/// <c>infer.onnx</c>, asks the <see cref="QualityGate"/>, and promotes through <see cref="HeadRegistry.Promote"/>
/// (atomic) only when the gate accepts. Every other ending — refused, diverged (NaN, infinite or exploding loss),
/// kept by the gate, cancelled, an error — leaves the head in service as it was.</para>
/// <para>Threading: a run creates its own ONNX Runtime sessions and buffers and shares nothing mutable with
/// inspection, so <see cref="TrainAsync"/> can run beside an inspection loop. Inspection learns of a new head
/// through <see cref="HeadPromoted"/>. One run at a time per trainer.</para>
/// </remarks>
public sealed class OnDeviceTrainer
{
    private const string MetaPrefix = "training.";

    private readonly Bundle _bundle;
    private readonly HeadRegistry _registry;
    private readonly OnDeviceTrainerOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _trainingModel;
    private readonly byte[] _optimizerModel;
    private readonly byte[] _inferenceModel;
    private int _running;

    /// <summary>Creates a trainer for the heads of <paramref name="bundle"/> kept in <paramref name="registry"/>.</summary>
    /// <param name="bundle">The verified bundle in use (its head graphs are read now).</param>
    /// <param name="registry">The registry of the bundle's heads; not owned. It must hold a head in service.</param>
    /// <param name="options">How to train and decide; defaults when null. Read again at the start of every run.</param>
    /// <param name="timeProvider">The clock of elapsed times and ETAs; the system clock when null.</param>
    /// <exception cref="InvalidSettingException">An option is invalid (named in the message).</exception>
    /// <exception cref="ArgumentException">The registry belongs to another bundle.</exception>
    /// <exception cref="ModelFormatException">A head graph of the bundle cannot be read.</exception>
    public OnDeviceTrainer(Bundle bundle, HeadRegistry registry, OnDeviceTrainerOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(registry);
        options ??= new OnDeviceTrainerOptions();
        options.Validate();
        if (registry.BundleId != bundle.Manifest.BundleId)
        {
            throw new ArgumentException($"The head registry '{registry.DirectoryPath}' holds heads of bundle '{registry.BundleId}', not of '{bundle.Manifest.BundleId}'; open it for this bundle.", nameof(registry));
        }

        _bundle = bundle;
        _registry = registry;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _trainingModel = ReadGraph(BundleRoles.TrainingModel);
        _optimizerModel = ReadGraph(BundleRoles.OptimizerModel);
        _inferenceModel = ReadGraph(BundleRoles.InferenceModel);
    }

    /// <summary>
    /// Raised on the training thread after a trained head was put in service (the registry already serves it).
    /// Handlers should hand the head over to the inspection thread and return quickly; an exception they throw
    /// reaches the caller of <see cref="Train"/>, although the head is promoted.
    /// </summary>
    public event EventHandler<HeadPromotedEventArgs>? HeadPromoted;

    /// <summary>Whether a run is in progress.</summary>
    public bool IsRunning => Volatile.Read(ref _running) != 0;

    /// <summary>Runs <see cref="Train"/> on a dedicated background thread, so that inspection keeps its threads.</summary>
    /// <param name="samples">Every stored sample (<see cref="SampleStore.ReadAll"/>); not changed.</param>
    /// <param name="progress">Told every epoch's progress; may be null.</param>
    /// <param name="cancellationToken">Ends the run; nothing is promoted.</param>
    /// <returns>The result; faulted or cancelled as <see cref="Train"/> throws.</returns>
    public Task<OnDeviceTrainingResult> TrainAsync(SampleSet samples, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return Task.Factory.StartNew(
            () => Train(samples, progress, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Trains a candidate head on <paramref name="samples"/> and promotes it if the quality gate accepts it.</summary>
    /// <param name="samples">Every stored sample (<see cref="SampleStore.ReadAll"/>); not changed.</param>
    /// <param name="progress">Told every epoch's progress, on the training thread; may be null.</param>
    /// <param name="cancellationToken">Checked before every step and before the promotion; nothing is promoted once it is cancelled.</param>
    /// <returns>What happened: <see cref="OnDeviceTrainingResult.Outcome"/> and a reason for every ending but an exception.</returns>
    /// <exception cref="OperationCanceledException">Cancelled; the head in service is unchanged.</exception>
    /// <exception cref="InvalidOperationException">Another run of this trainer is in progress.</exception>
    /// <exception cref="InvalidSettingException">The options were changed to an invalid value.</exception>
    /// <exception cref="HeadRegistryException">The registry is empty, or writing the new head failed; the head in service is unchanged.</exception>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed (inner exception), or the bundle's graphs and the head do not fit; the head in service is unchanged.</exception>
    public OnDeviceTrainingResult Train(SampleSet samples, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("A training run is already in progress on this trainer; wait for it to end or cancel it.");
        }

        try
        {
            _options.Validate();
            return Run(samples, progress, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private OnDeviceTrainingResult Run(SampleSet samples, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var options = _options;
        var started = _time.GetTimestamp();
        var manifest = _bundle.Manifest;
        var currentVersion = _registry.Current
            ?? throw new HeadRegistryException(_registry.DirectoryPath, "it holds no head yet; open it with the bundle (OpenForBundle) to start from the bundle's checkpoint.");
        var currentHead = _registry.Read(currentVersion);
        var stays = $"{currentVersion.Name} stays in service";

        var gate = options.Gate;
        var split = SampleSplit.TryCreate(
            samples,
            manifest.Features.Size,
            manifest.Classes,
            options.ValidationFraction,
            gate.MinValidationSamples,
            Math.Max(1, gate.MinValidationSamplesPerClass),
            options.MinTrainingSamplesPerClass,
            options.Seed,
            out var refusal);
        if (split is null)
        {
            return new OnDeviceTrainingResult
            {
                Outcome = TrainingOutcome.Refused,
                Reason = $"Training refused: {refusal}. {stays}.",
                CurrentVersion = currentVersion,
                Duration = _time.GetElapsedTime(started),
            };
        }

        cancellationToken.ThrowIfCancellationRequested();
        var classWeights = options.ClassBalanced ? BalancedWeights(split.TrainingCounts) : [.. Enumerable.Repeat(1f, split.TrainingCounts.Length)];
        var trainerOptions = new HeadTrainerOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            Shuffle = true,
            LearningRate = (float)options.LearningRate,
            Schedule = options.Schedule,
            WeightDecay = (float)(options.WeightDecay ?? manifest.Optimizer.WeightDecay),
            LabelSmoothing = (float)(options.LabelSmoothing ?? manifest.Training.LabelSmoothing),
            ClassWeights = classWeights,
            LossLimit = (float)options.LossLimit,
            Runtime = options.Runtime,
        };

        var start = StartingPoint(options.Start, currentHead);
        var history = new List<TrainingProgress>(options.Epochs);
        HeadCheckpoint candidateHead;
        TrainingSummary summary;
        TimeSpan trainingTime;
        double candidateLoss;
        ConfusionMatrix candidateMatrix;
        RecipeResult? recipe = null;
        using (var candidate = new HeadPredictor(_inferenceModel, start, options.Runtime, _bundle.GetPath(BundleRoles.InferenceModel)))
        {
            var scorer = new ValidationScorer(candidate, split.Validation);
            var trainingStarted = _time.GetTimestamp();
            try
            {
                if (options.SelectRecipe && LinearHead.IsLinear(start))
                {
                    // The recipe is chosen on the training samples alone (its own folds), so the validation samples
                    // stay unseen for the quality gate below.
                    var recipeOptions = new RecipeOptions { Seed = options.Seed, Runtime = options.Runtime, LearningRate = (float)options.RecipeLearningRate };
                    using (var fitter = new RecipeFitter(_trainingModel, _optimizerModel, start, recipeOptions))
                    {
                        recipe = RecipeSelection.Select(fitter, split.Training, split.TrainingParts, recipeOptions, cancellationToken);
                    }

                    summary = new TrainingSummary([], 0, 0);
                    candidateHead = recipe.Head.ToCheckpoint(start, CandidateMetadata(currentHead, summary, split, options, recipe));
                    candidate.UpdateParameters(candidateHead);
                    var (loss, accuracy) = scorer.Score();
                    var report = new TrainingProgress(1, 1, double.NaN, loss, accuracy, options.RecipeLearningRate, _time.GetElapsedTime(started), TimeSpan.Zero, true);
                    history.Add(report);
                    progress?.Report(report);
                }
                else
                {
                    (summary, candidateHead) = TrainByEpochs(split, start, currentHead, trainerOptions, candidate, scorer, history, progress, started, cancellationToken);
                }
            }
            catch (TrainingException ex)
            {
                return new OnDeviceTrainingResult
                {
                    Outcome = TrainingOutcome.Diverged,
                    Reason = $"{ex.Message} Nothing was promoted; {stays}.",
                    CurrentVersion = currentVersion,
                    TrainingSamples = split.Training.Count,
                    ValidationSamples = split.Validation.Count,
                    ClassWeights = classWeights,
                    EpochsRun = history.Count,
                    History = history,
                    Duration = _time.GetElapsedTime(started),
                    TrainingDuration = _time.GetElapsedTime(trainingStarted),
                };
            }

            trainingTime = _time.GetElapsedTime(trainingStarted);
            candidate.UpdateParameters(candidateHead);
            candidateLoss = scorer.Score().Loss;
            candidateMatrix = HeadEvaluator.Evaluate(candidate, split.Validation);
        }

        ConfusionMatrix currentMatrix;
        using (var current = new HeadPredictor(_inferenceModel, currentHead, options.Runtime, _bundle.GetPath(BundleRoles.InferenceModel)))
        {
            currentMatrix = HeadEvaluator.Evaluate(current, split.Validation);
        }

        var candidateMetrics = Metrics(candidateMatrix, split, manifest.Classes, split.Training.Count);
        var currentMetrics = Metrics(currentMatrix, split, manifest.Classes, currentVersion.Metrics?.TrainingSamples ?? 0);
        var decision = new QualityGate(gate).Decide(candidateMetrics, currentMetrics, currentVersion.Name);

        // The last moment a cancellation counts: past this line the head is promoted or kept, not half of either.
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = decision.Promote ? TrainingOutcome.Promoted : TrainingOutcome.KeptByQualityGate;
        var reason = "Quality gate: " + decision.Reason;
        HeadVersion? promoted = null;
        if (decision.Promote)
        {
            // HeadRegistry has no compare-and-swap; this check narrows (does not close) the window in which a
            // rollback between the evaluation and the promotion would be overwritten by a head measured against another.
            var now = _registry.Current;
            if (now?.Number != currentVersion.Number)
            {
                outcome = TrainingOutcome.Superseded;
                reason = $"Not promoted: {now?.Name ?? "no head"} was put in service while this run compared against {currentVersion.Name}, so the candidate may not replace it; train again";
            }
            else
            {
                promoted = _registry.Promote(candidateHead, candidateMetrics);
            }
        }

        var result = new OnDeviceTrainingResult
        {
            Outcome = outcome,
            Reason = recipe is null
                ? string.Create(CultureInfo.InvariantCulture, $"{reason}. Trained {Plural(summary.EpochsRun, "epoch")}{(summary.StoppedEarly ? " (stopped early)" : string.Empty)} on {Plural(split.Training.Count, "sample")}, candidate from epoch {summary.BestEpoch}, both heads validated on the same {Plural(split.Validation.Count, "sample")}.")
                : string.Create(CultureInfo.InvariantCulture, $"{reason}. Recipe {recipe.Chosen.Name} chosen by {recipe.Method} among {Plural(recipe.Validation.Count, "candidate")}, fitted on {Plural(split.Training.Count, "sample")}; both heads validated on the same {Plural(split.Validation.Count, "sample")}."),
            CurrentVersion = currentVersion,
            PromotedVersion = promoted,
            Decision = decision,
            Candidate = candidateMetrics,
            Current = currentMetrics,
            CandidateConfusion = candidateMatrix,
            CurrentConfusion = currentMatrix,
            CandidateValidationLoss = candidateLoss,
            TrainingSamples = split.Training.Count,
            ValidationSamples = split.Validation.Count,
            ClassWeights = classWeights,
            EpochsRun = summary.EpochsRun,
            BestEpoch = summary.BestEpoch,
            StoppedEarly = summary.StoppedEarly,
            History = history,
            Steps = summary.Steps,
            Duration = _time.GetElapsedTime(started),
            TrainingDuration = trainingTime,
            Recipe = recipe?.Chosen.Name,
            RecipeSelection = recipe?.Method,
            RecipeValidationAccuracy = recipe?.ChosenScore?.Accuracy,
        };

        if (promoted is not null)
        {
            HeadPromoted?.Invoke(this, new HeadPromotedEventArgs(promoted, candidateHead, result));
        }

        return result;
    }

    /// <summary>The previous recipe: the bundle's graphs epoch by epoch on raw features, early stopping on the validation samples.</summary>
    private (TrainingSummary Summary, HeadCheckpoint Head) TrainByEpochs(
        SampleSplit split,
        HeadCheckpoint start,
        HeadCheckpoint currentHead,
        HeadTrainerOptions trainerOptions,
        HeadPredictor candidate,
        ValidationScorer scorer,
        List<TrainingProgress> history,
        IProgress<TrainingProgress>? progress,
        long started,
        CancellationToken cancellationToken)
    {
        var options = _options;
        using var trainer = new HeadTrainer(_trainingModel, _optimizerModel, start, trainerOptions, _bundle.GetPath(BundleRoles.TrainingModel), _bundle.GetPath(BundleRoles.OptimizerModel));
        var stopping = new EarlyStopping(options.EarlyStoppingMetric, options.EarlyStoppingPatience, options.RestoreBestEpoch);
        var trainingStarted = _time.GetTimestamp();
        EpochDecision OnEpoch(EpochProgress epoch)
        {
            candidate.UpdateParameters(trainer);
            var (loss, accuracy) = scorer.Score();
            if (!double.IsFinite(loss))
            {
                // The training loss stayed finite but the head no longer predicts numbers: as bad as a NaN loss.
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Training stopped in epoch {epoch.Epoch}: the validation loss became {loss}. Lower the learning rate or check the features."));
            }

            var decision = stopping.Observe(epoch.Epoch, loss, accuracy);
            var elapsed = _time.GetElapsedTime(started);
            var perEpoch = _time.GetElapsedTime(trainingStarted) / epoch.Epoch;
            var report = new TrainingProgress(epoch.Epoch, epoch.Epochs, epoch.MeanLoss, loss, accuracy, epoch.LearningRate, elapsed, perEpoch * (epoch.Epochs - epoch.Epoch), decision.IsBest || stopping.BestEpoch == epoch.Epoch);
            history.Add(report);
            progress?.Report(report);
            return decision;
        }

        var summary = trainer.Train(split.Training, OnEpoch, cancellationToken);
        return (summary, trainer.ExportCheckpoint(CandidateMetadata(currentHead, summary, split, options, null)));
    }

    /// <summary>
    /// Inverse-frequency weights normalised so that the mean weight over the training samples is 1:
    /// wᶜ = N / (K·nᶜ) for the K classes with samples. A class without training samples gets 1 (never used).
    /// </summary>
    internal static float[] BalancedWeights(IReadOnlyList<int> trainingCounts) => RecipeFitter.BalancedWeights(trainingCounts);

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    private HeadCheckpoint StartingPoint(TrainingStart start, HeadCheckpoint current)
    {
        var initial = _bundle.ReadCheckpoint();
        if (start == TrainingStart.BundleCheckpoint)
        {
            return initial;
        }

        // Fine-tuning keeps the parameters only: Adam's moments and step belong to the run that made them.
        return new HeadCheckpoint(current.Parameters, [.. initial.OptimizerState.Select(s => new NamedTensor(s.Name, s.Shape, new float[s.Data.Length]))], 0, current.Metadata);
    }

    private static Dictionary<string, string> CandidateMetadata(HeadCheckpoint current, TrainingSummary summary, SampleSplit split, OnDeviceTrainerOptions options, RecipeResult? recipe)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in current.Metadata)
        {
            if (!key.StartsWith(MetaPrefix, StringComparison.Ordinal))
            {
                metadata[key] = value;
            }
        }

        var invariant = CultureInfo.InvariantCulture;
        metadata[MetaPrefix + "epochs"] = summary.EpochsRun.ToString(invariant);
        metadata[MetaPrefix + "bestEpoch"] = summary.BestEpoch.ToString(invariant);
        metadata[MetaPrefix + "trainingSamples"] = split.Training.Count.ToString(invariant);
        metadata[MetaPrefix + "validationSamples"] = split.Validation.Count.ToString(invariant);
        metadata[MetaPrefix + "learningRate"] = options.LearningRate.ToString("R", invariant);
        metadata[MetaPrefix + "schedule"] = options.Schedule.Kind.ToString().ToLowerInvariant();
        metadata[MetaPrefix + "seed"] = options.Seed.ToString(invariant);
        metadata[MetaPrefix + "start"] = options.Start.ToString();
        metadata[TrainedSamples.MetadataKey] = TrainedSamples.Format(split.TrainingIds);
        foreach (var (key, value) in recipe?.Metadata(MetaPrefix + "recipe.") ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        return metadata;
    }

    private static HeadMetrics Metrics(ConfusionMatrix matrix, SampleSplit split, IReadOnlyList<string> classes, int trainingSamples)
    {
        // Only classes with validation samples: a class nobody has labelled yet must not block every promotion.
        var perClass = Enumerable.Range(0, classes.Count)
            .Where(c => split.ValidationCounts[c] > 0)
            .Select(c => new ClassMetrics(classes[c], matrix.Recall(c), split.ValidationCounts[c]))
            .ToList();
        return new HeadMetrics(matrix.Accuracy, (int)matrix.Total, trainingSamples, perClass);
    }

    private byte[] ReadGraph(string role)
    {
        var path = _bundle.GetPath(role);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"it cannot be read ({ex.Message}); the bundle is damaged — copy it again.", ex);
        }
    }
}
