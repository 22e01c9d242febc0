using System.Numerics.Tensors;

namespace EdgeTransfer.Training.Recipes;

/// <summary>
/// Multinomial logistic regression with an L2 penalty, solved to convergence by L-BFGS: minimises
/// C·Σᵢ CE(xᵢ) + ½‖W‖² (bias unpenalised), scikit-learn's formulation of <c>LogisticRegression</c>. The recipes'
/// <see cref="RecipeKind.Logistic"/> candidate and the <c>lr-cv</c> baseline of <c>bench heads</c> both fit with it, so
/// the device's candidate and the baseline it is measured against are the same estimator.
/// </summary>
/// <remarks>
/// A head of 512 × 10 has 5130 parameters: L-BFGS in managed code converges in tens of iterations, each one pass over
/// the samples, which is cheaper than the 1000 Adam steps of a graph-trained candidate. No ONNX graph is involved; the
/// result is an ordinary <see cref="LinearHead"/>, so the inference graph is unchanged.
/// </remarks>
public static class LogisticRegression
{
    /// <summary>The most L-BFGS iterations of one fit (scikit-learn's default). </summary>
    public const int DefaultMaxIterations = 100;

    /// <summary>Fits the head on <paramref name="data"/> as given (standardise first if wanted).</summary>
    /// <param name="data">Labelled features; labels are class indices below <paramref name="classCount"/>.</param>
    /// <param name="classCount">C of the head.</param>
    /// <param name="c">The inverse penalty strength (larger: weaker penalty), above 0.</param>
    /// <param name="start">A head to start from (a warm start along a path of C values), or null to start from zero.</param>
    /// <param name="maxIterations">The most L-BFGS iterations.</param>
    /// <returns>The head on the features of <paramref name="data"/>.</returns>
    public static LinearHead Fit(FeatureSet data, int classCount, double c, LinearHead? start = null, int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        var x = start is null ? new double[(data.FeatureSize * classCount) + classCount] : ToParameters(start);
        Lbfgs.Minimise(new Objective(data, classCount, c).Evaluate, x, maxIterations);
        return ToHead(x, data.FeatureSize, classCount);
    }

    // Parameters: W as [C, D] row-major (one contiguous row per class, so the dot products vectorise), then b [C].
    private static double[] ToParameters(LinearHead head)
    {
        var (d, k) = (head.FeatureSize, head.ClassCount);
        var p = new double[(d * k) + k];
        for (var j = 0; j < d; j++)
        {
            for (var c = 0; c < k; c++)
            {
                p[(c * d) + j] = head.Weight[(j * k) + c];
            }
        }

        for (var c = 0; c < k; c++)
        {
            p[(d * k) + c] = head.Bias[c];
        }

        return p;
    }

    private static LinearHead ToHead(double[] p, int d, int classCount)
    {
        var weight = new float[d * classCount];
        for (var k = 0; k < classCount; k++)
        {
            for (var j = 0; j < d; j++)
            {
                weight[(j * classCount) + k] = (float)p[(k * d) + j];
            }
        }

        return new LinearHead(d, classCount, weight, [.. p.Skip(d * classCount).Select(v => (float)v)]);
    }

    private sealed class Objective(FeatureSet data, int classCount, double c)
    {
        private readonly float[] _weights = new float[data.FeatureSize * classCount];
        private readonly float[] _gradient = new float[data.FeatureSize * classCount];
        private readonly double[] _logits = new double[classCount];

        public double Evaluate(double[] p, double[] g)
        {
            var d = data.FeatureSize;
            var bias = d * classCount;
            for (var i = 0; i < _weights.Length; i++)
            {
                _weights[i] = (float)p[i];
            }

            Array.Clear(_gradient);
            Array.Clear(g);
            double loss = 0;
            var labels = data.Labels.Span;
            for (var i = 0; i < data.Count; i++)
            {
                var row = data.Row(i);
                for (var k = 0; k < classCount; k++)
                {
                    _logits[k] = p[bias + k] + TensorPrimitives.Dot(row, _weights.AsSpan(k * d, d));
                }

                var max = _logits.Max();
                double sum = 0;
                for (var k = 0; k < classCount; k++)
                {
                    _logits[k] = Math.Exp(_logits[k] - max);
                    sum += _logits[k];
                }

                var y = (int)labels[i];
                loss -= Math.Log(_logits[y] / sum);
                for (var k = 0; k < classCount; k++)
                {
                    var coefficient = c * ((_logits[k] / sum) - (k == y ? 1 : 0));
                    g[bias + k] += coefficient;
                    var slice = _gradient.AsSpan(k * d, d);
                    TensorPrimitives.MultiplyAdd(row, (float)coefficient, slice, slice);
                }
            }

            double penalty = 0;
            for (var i = 0; i < bias; i++)
            {
                penalty += p[i] * p[i];
                g[i] = _gradient[i] + p[i];
            }

            return (c * loss) + (0.5 * penalty);
        }
    }
}
