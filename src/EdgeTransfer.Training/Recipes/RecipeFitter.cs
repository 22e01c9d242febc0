using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using EdgeTransfer.Artifacts.Checkpoints;

namespace EdgeTransfer.Training.Recipes;

/// <summary>
/// Fits one <see cref="RecipeCandidate"/> on raw features and returns it folded into a linear head on raw features:
/// the transform and the prototypes are computed here in closed form; the trained kinds run the bundle's
/// <c>train.onnx</c>/<c>optimizer.onnx</c> with ONNX Runtime on the transformed features, started from the prototypes.
/// </summary>
public sealed class RecipeFitter : IDisposable
{
    private readonly byte[] _trainingModel;
    private readonly byte[] _optimizerModel;
    private readonly HeadCheckpoint _template;
    private readonly RecipeOptions _options;

    // The last logistic head fitted on each training set: the grid runs its penalties from strong to weak on the same
    // sets, and a warm start from the neighbouring penalty's optimum saves most L-BFGS iterations (the problem is
    // convex, so the optimum is the same). Weak keys: a set that is no longer used takes its head with it.
    private readonly ConditionalWeakTable<FeatureSet, LinearHead> _warm = [];

    // The transformed copies of each training set, one per kind of transform (the grid has three for fifteen
    // candidates): a transform depends on the set alone, and a new N×D copy per candidate was large-object garbage
    // that no gen2 collection reclaimed before the device's memory peak.
    private readonly ConditionalWeakTable<FeatureSet, Dictionary<TransformKind, Transformed>> _transformed = [];

    // One pair of sessions for every trained candidate (eight in the grid, per fold), opened at the first.
    private readonly Lock _sessionsLock = new();
    private HeadSessions? _sessions;
    private bool _disposed;

    /// <summary>Creates a fitter for the linear head graphs of one bundle.</summary>
    /// <param name="trainingModel">The bytes of <c>train.onnx</c> (a linear head).</param>
    /// <param name="optimizerModel">The bytes of <c>optimizer.onnx</c>.</param>
    /// <param name="template">A checkpoint of the bundle (names and optimizer state layout; its values are not used).</param>
    /// <param name="options">Steps, batch, learning rate, seed, threads.</param>
    public RecipeFitter(byte[] trainingModel, byte[] optimizerModel, HeadCheckpoint template, RecipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(trainingModel);
        ArgumentNullException.ThrowIfNull(optimizerModel);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(options);
        if (!LinearHead.IsLinear(template))
        {
            throw new ArgumentException("Head recipes fit linear heads (head.weight, head.bias); this bundle's head has other parameters.", nameof(template));
        }

        _trainingModel = trainingModel;
        _optimizerModel = optimizerModel;
        _template = template;
        _options = options;
    }

    /// <summary>The class count of the bundle's head.</summary>
    public int ClassCount => (int)_template.Parameter(LinearHead.WeightName).Shape[1];

    /// <summary>Fits <paramref name="candidate"/> on <paramref name="data"/>.</summary>
    /// <param name="data">Raw labelled features (at least one class present).</param>
    /// <param name="candidate">The recipe.</param>
    /// <param name="cancellationToken">Checked before every training step.</param>
    /// <returns>The head on raw features.</returns>
    /// <exception cref="TrainingException">The training diverged.</exception>
    public LinearHead Fit(FeatureSet data, RecipeCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Kind == RecipeKind.Logistic)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A plain standard scaler, as the baseline's: λ then means what scikit-learn's C means on the same features.
            var scaled = Transform(data, new TransformKind(Standardise: true, Normalise: false, UnitMeanNorm: false));
            var head = LogisticRegression.Fit(scaled.Data, ClassCount, 1.0 / (candidate.Penalty * data.Count), _warm.TryGetValue(data, out var warm) ? warm : null);
            _warm.AddOrUpdate(data, head);
            return scaled.Transform.Fold(head);
        }

        var (transform, z) = Transform(data, new TransformKind(Standardise: candidate.Kind == RecipeKind.Standardised, Normalise: candidate.Kind != RecipeKind.Standardised, UnitMeanNorm: true));
        var start = Prototypes(z, ClassCount, candidate.Temperature);
        if (candidate.Kind == RecipeKind.Prototype)
        {
            return transform.Fold(start);
        }

        var counts = new int[ClassCount];
        foreach (var y in z.Labels.Span)
        {
            counts[y]++;
        }

        var batches = (data.Count + _options.BatchSize - 1) / _options.BatchSize;
        var trainer = new HeadTrainerOptions
        {
            Epochs = Math.Clamp((_options.Steps + batches - 1) / batches, 5, 100),
            BatchSize = _options.BatchSize,
            Seed = _options.Seed,
            LearningRate = _options.LearningRate,
            Schedule = LearningRateSchedule.Cosine(warmupEpochs: 0),
            WeightDecay = candidate.WeightDecay,
            LabelSmoothing = candidate.LabelSmoothing,
            ClassWeights = BalancedWeights(counts),
            Runtime = _options.Runtime,
        };
        using var run = new HeadTrainer(Sessions(), start.ToCheckpoint(_template, _template.Metadata), trainer);
        run.Train(z, progress: null, cancellationToken);
        return transform.Fold(LinearHead.FromCheckpoint(run.ExportCheckpoint()));
    }

    /// <summary>Closes the ONNX Runtime sessions the trained candidates shared.</summary>
    public void Dispose()
    {
        lock (_sessionsLock)
        {
            _disposed = true;
            _sessions?.Dispose();
            _sessions = null;
        }
    }

    /// <summary>
    /// Inverse-frequency class weights, normalised so that the mean weight over the samples is 1: wᶜ = N / (K·nᶜ)
    /// for the K classes with samples; a class without samples gets 1 (never used). Every class then weighs the
    /// same in the loss, as class-balanced sampling would make it, without repeating samples.
    /// </summary>
    /// <param name="counts">Samples per class.</param>
    public static float[] BalancedWeights(IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var n = counts.Sum();
        var k = counts.Count(c => c > 0);
        return [.. counts.Select(c => c > 0 ? (float)((double)n / (k * c)) : 1f)];
    }

    /// <summary>
    /// The cosine nearest-class-mean head on transformed features: Wᶜ = t·p̂ᶜ with p̂ᶜ the normalised mean of the
    /// class's normalised vectors, bias 0; a class without samples gets weight 0 and bias −t, below any cosine logit.
    /// </summary>
    private static LinearHead Prototypes(FeatureSet z, int classCount, float temperature)
    {
        var d = z.FeatureSize;
        var sums = new float[classCount * d];
        var unit = new float[d];
        var labels = z.Labels.Span;
        for (var i = 0; i < z.Count; i++)
        {
            var row = z.Row(i);
            var norm = TensorPrimitives.Norm(row);
            TensorPrimitives.Divide(row, norm > 0 ? norm : 1f, unit);
            var sum = sums.AsSpan((int)labels[i] * d, d);
            TensorPrimitives.Add(sum, unit, sum);
        }

        var weight = new float[d * classCount];
        var bias = new float[classCount];
        for (var c = 0; c < classCount; c++)
        {
            var sum = sums.AsSpan(c * d, d);
            var norm = TensorPrimitives.Norm(sum);
            if (norm <= 0)
            {
                bias[c] = -temperature;
                continue;
            }

            for (var j = 0; j < d; j++)
            {
                weight[(j * classCount) + c] = temperature * sum[j] / norm;
            }
        }

        return new LinearHead(d, classCount, weight, bias);
    }

    private HeadSessions Sessions()
    {
        lock (_sessionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _sessions ??= new HeadSessions(_trainingModel, _optimizerModel, _options.Runtime, "train.onnx", "optimizer.onnx");
        }
    }

    private Transformed Transform(FeatureSet data, TransformKind kind)
    {
        var byKind = _transformed.GetValue(data, static _ => []);
        lock (byKind)
        {
            if (!byKind.TryGetValue(kind, out var transformed))
            {
                var transform = FeatureTransform.Fit(data, kind.Standardise, kind.Normalise, kind.UnitMeanNorm);
                transformed = new Transformed(transform, transform.Apply(data));
                byKind.Add(kind, transformed);
            }

            return transformed;
        }
    }

    private readonly record struct TransformKind(bool Standardise, bool Normalise, bool UnitMeanNorm);

    private sealed record Transformed(FeatureTransform Transform, FeatureSet Data);
}
