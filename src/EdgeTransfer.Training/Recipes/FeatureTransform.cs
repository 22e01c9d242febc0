using System.Numerics.Tensors;

namespace EdgeTransfer.Training.Recipes;

/// <summary>
/// What a recipe does to the features before its head sees them: z = (x − mean) / scale per dimension, then, for
/// the cosine recipes, z / ‖z‖. Fitted on the stored features only; <see cref="Fold"/> moves the affine part into
/// a linear head's weights so that the deployed head takes raw features and the inference graph is unchanged.
/// </summary>
/// <remarks>
/// The per-sample L2 normalisation cannot be folded exactly; it is folded as a division by the mean norm of the
/// training features (1, by the choice of the scale), which leaves the most probable class of a cosine head with zero bias unchanged (a positive
/// factor per sample) and only sharpens or softens its probabilities. Recipes are chosen on the folded head, so
/// what is validated is what runs.
/// </remarks>
public sealed class FeatureTransform
{
    private FeatureTransform(float[] mean, float[] scale, bool normalise)
    {
        Mean = mean;
        Scale = scale;
        Normalise = normalise;
    }

    /// <summary>The mean of every dimension.</summary>
    public float[] Mean { get; }

    /// <summary>The divisor of every dimension (the standard deviation, or one common value).</summary>
    public float[] Scale { get; }

    /// <summary>Whether every vector is divided by its own L2 norm after centring and scaling.</summary>
    public bool Normalise { get; }

    /// <summary>Fits the transform on <paramref name="data"/>.</summary>
    /// <param name="data">The training features.</param>
    /// <param name="standardise">Divide each dimension by its standard deviation (else only centre).</param>
    /// <param name="normalise">Then divide each vector by its L2 norm (cosine features).</param>
    /// <param name="unitMeanNorm">Scale all dimensions by one more common factor so that the mean norm is 1 (the recipes do; a plain standard scaler does not).</param>
    public static FeatureTransform Fit(FeatureSet data, bool standardise, bool normalise, bool unitMeanNorm = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        var d = data.FeatureSize;
        var mean = new double[d];
        var square = new double[d];
        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Row(i);
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j];
                square[j] += (double)row[j] * row[j];
            }
        }

        var n = data.Count;
        var m = new float[d];
        var s = new float[d];
        for (var j = 0; j < d; j++)
        {
            m[j] = (float)(mean[j] / n);
            var variance = Math.Max(0, (square[j] / n) - ((mean[j] / n) * (mean[j] / n)));
            // A constant dimension (a dead ReLU channel) is left unscaled instead of divided by zero.
            s[j] = standardise && variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        // One common factor more, so that the transformed vectors have a mean norm of 1 whatever the backbone:
        // the learning rate and the temperatures of the recipes then mean the same on every bundle.
        var transform = new FeatureTransform(m, s, normalise);
        if (!unitMeanNorm)
        {
            return transform;
        }

        var norm = transform.MeanNorm(data);
        TensorPrimitives.Multiply(s, norm, s);
        return transform;
    }

    private float MeanNorm(FeatureSet data)
    {
        var buffer = new float[data.FeatureSize];
        double sum = 0;
        for (var i = 0; i < data.Count; i++)
        {
            TensorPrimitives.Subtract(data.Row(i), Mean, buffer);
            TensorPrimitives.Divide(buffer, Scale, buffer);
            sum += TensorPrimitives.Norm(buffer);
        }

        return Math.Max((float)(sum / data.Count), 1e-12f);
    }

    /// <summary>The transformed copy of <paramref name="data"/> (labels and weights shared).</summary>
    /// <param name="data">Features of size D.</param>
    public FeatureSet Apply(FeatureSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var d = data.FeatureSize;
        var values = new float[data.Count * d];
        for (var i = 0; i < data.Count; i++)
        {
            Apply(data.Row(i), values.AsSpan(i * d, d));
        }

        return new FeatureSet(values, data.Labels.ToArray(), d, data.SampleWeights is { Length: > 0 } weights ? weights.ToArray() : null);
    }

    /// <summary>Transforms one vector.</summary>
    /// <param name="features">D raw values.</param>
    /// <param name="destination">D transformed values, written.</param>
    public void Apply(ReadOnlySpan<float> features, Span<float> destination)
    {
        TensorPrimitives.Subtract(features, Mean, destination);
        TensorPrimitives.Divide(destination, Scale, destination);
        if (Normalise)
        {
            var norm = TensorPrimitives.Norm(destination);
            if (norm > 0)
            {
                TensorPrimitives.Divide(destination, norm, destination);
            }
        }
    }

    /// <summary>
    /// The head on raw features equal to <paramref name="head"/> on transformed ones: with z = (x − μ)/s,
    /// z·W + b = x·W′ + b′ where W′ᵢⱼ = Wᵢⱼ/sᵢ and b′ⱼ = bⱼ − Σᵢ μᵢ W′ᵢⱼ. For cosine features the division by ‖z‖
    /// is left out: ‖z‖ is 1 on average by construction of s.
    /// </summary>
    /// <param name="head">A head trained on <see cref="Apply(FeatureSet)"/>'s output.</param>
    public LinearHead Fold(LinearHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var c = head.ClassCount;
        var w = new float[head.Weight.Length];
        var b = (float[])head.Bias.Clone();
        for (var i = 0; i < head.FeatureSize; i++)
        {
            var row = w.AsSpan(i * c, c);
            TensorPrimitives.Multiply(head.Weight.AsSpan(i * c, c), 1f / Scale[i], row);
            TensorPrimitives.MultiplyAdd(row, -Mean[i], b, b);
        }

        return new LinearHead(head.FeatureSize, c, w, b);
    }
}
