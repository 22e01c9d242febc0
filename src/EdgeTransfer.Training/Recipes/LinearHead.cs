using System.Globalization;
using System.Numerics.Tensors;
using EdgeTransfer.Artifacts.Checkpoints;

namespace EdgeTransfer.Training.Recipes;

/// <summary>
/// The parameters of a linear head as the bundle's graphs hold them: <c>head.weight</c> [D, C] (logits = x·W + b)
/// and <c>head.bias</c> [C]. Every recipe ends as one of these, so the inference graph never changes.
/// </summary>
public sealed class LinearHead
{
    /// <summary>The name of the weight tensor in a checkpoint.</summary>
    public const string WeightName = "head.weight";

    /// <summary>The name of the bias tensor in a checkpoint.</summary>
    public const string BiasName = "head.bias";

    /// <summary>Creates a head from its arrays (taken, not copied).</summary>
    /// <param name="featureSize">D.</param>
    /// <param name="classCount">C.</param>
    /// <param name="weight">Row-major [D, C].</param>
    /// <param name="bias">[C].</param>
    public LinearHead(int featureSize, int classCount, float[] weight, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Length != featureSize * classCount || bias.Length != classCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A linear head of D={featureSize}, C={classCount} needs {featureSize * classCount} weights and {classCount} biases; got {weight.Length} and {bias.Length}."));
        }

        FeatureSize = featureSize;
        ClassCount = classCount;
        Weight = weight;
        Bias = bias;
    }

    /// <summary>D.</summary>
    public int FeatureSize { get; }

    /// <summary>C.</summary>
    public int ClassCount { get; }

    /// <summary>Row-major [D, C].</summary>
    public float[] Weight { get; }

    /// <summary>[C].</summary>
    public float[] Bias { get; }

    /// <summary>Whether <paramref name="checkpoint"/> is a linear head (exactly <c>head.weight</c> and <c>head.bias</c>).</summary>
    /// <param name="checkpoint">A head checkpoint.</param>
    public static bool IsLinear(HeadCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return checkpoint.Parameters.Count == 2
            && checkpoint.Parameters.Any(p => p.Name == WeightName && p.Shape.Length == 2)
            && checkpoint.Parameters.Any(p => p.Name == BiasName && p.Shape.Length == 1);
    }

    /// <summary>The head of a linear checkpoint (copies).</summary>
    /// <param name="checkpoint">A checkpoint for which <see cref="IsLinear"/> holds.</param>
    public static LinearHead FromCheckpoint(HeadCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var w = checkpoint.Parameter(WeightName);
        var b = checkpoint.Parameter(BiasName);
        return new LinearHead((int)w.Shape[0], (int)w.Shape[1], (float[])w.Data.Clone(), (float[])b.Data.Clone());
    }

    /// <summary>
    /// A checkpoint holding this head, with <paramref name="template"/>'s optimizer state zeroed (a new head's
    /// moments start from nothing) and <paramref name="metadata"/>.
    /// </summary>
    /// <param name="template">A checkpoint of the same bundle (its tensor names and optimizer state layout).</param>
    /// <param name="metadata">The facts to record with the head.</param>
    public HeadCheckpoint ToCheckpoint(HeadCheckpoint template, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(metadata);
        NamedTensor[] parameters =
        [
            new(WeightName, [FeatureSize, ClassCount], (float[])Weight.Clone()),
            new(BiasName, [ClassCount], (float[])Bias.Clone()),
        ];
        return new HeadCheckpoint(parameters, [.. template.OptimizerState.Select(s => new NamedTensor(s.Name, s.Shape, new float[s.Data.Length]))], 0, metadata);
    }

    /// <summary>The logits of one feature vector: x·W + b.</summary>
    /// <param name="features">D values.</param>
    /// <param name="logits">C values, written.</param>
    public void Logits(ReadOnlySpan<float> features, Span<float> logits)
    {
        Bias.CopyTo(logits);
        var w = Weight.AsSpan();
        for (var d = 0; d < FeatureSize; d++)
        {
            var x = features[d];
            if (x != 0)
            {
                TensorPrimitives.MultiplyAdd(w.Slice(d * ClassCount, ClassCount), x, logits[..ClassCount], logits[..ClassCount]);
            }
        }
    }

    /// <summary>Accuracy and mean cross-entropy on <paramref name="data"/> (the figures a recipe is chosen by).</summary>
    /// <param name="data">Labelled features of size D.</param>
    public (double Accuracy, double Loss) Score(FeatureSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var logits = new float[ClassCount];
        var labels = data.Labels.Span;
        double loss = 0;
        var correct = 0;
        for (var i = 0; i < data.Count; i++)
        {
            Logits(data.Row(i), logits);
            var y = (int)labels[i];
            var max = TensorPrimitives.Max(logits);
            double sum = 0;
            foreach (var z in logits)
            {
                sum += Math.Exp(z - max);
            }

            loss += Math.Log(sum) + max - logits[y];
            correct += TensorPrimitives.IndexOfMax(logits) == y ? 1 : 0;
        }

        return ((double)correct / data.Count, loss / data.Count);
    }

    /// <summary>This head with every weight and bias multiplied by <paramref name="factor"/> (a temperature change).</summary>
    /// <param name="factor">The factor, above 0.</param>
    public LinearHead Scaled(float factor)
    {
        var w = new float[Weight.Length];
        var b = new float[Bias.Length];
        TensorPrimitives.Multiply(Weight, factor, w);
        TensorPrimitives.Multiply(Bias, factor, b);
        return new LinearHead(FeatureSize, ClassCount, w, b);
    }
}
