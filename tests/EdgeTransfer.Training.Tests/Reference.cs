using EdgeTransfer.Artifacts.Checkpoints;

namespace EdgeTransfer.Training.Tests;

/// <summary>An independent double-precision C# implementation of the contract in docs/bundle.md.</summary>
internal static class Reference
{
    /// <summary>logits [N,C] of a linear or MLP head (the MLP when head.fc1.weight is present).</summary>
    public static double[] Logits(float[] x, int n, int d, IReadOnlyList<NamedTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        if (byName.TryGetValue("head.weight", out var w))
        {
            return Affine(ToDouble(x), n, d, w, byName["head.bias"], relu: false);
        }

        var fc1 = byName["head.fc1.weight"];
        var hidden = Affine(ToDouble(x), n, d, fc1, byName["head.fc1.bias"], relu: true);
        return Affine(hidden, n, (int)fc1.Shape[1], byName["head.fc2.weight"], byName["head.fc2.bias"], relu: false);
    }

    public static double[] LogSoftmax(double[] logits, int n, int c)
    {
        var result = new double[logits.Length];
        for (var i = 0; i < n; i++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < c; j++)
            {
                max = Math.Max(max, logits[(i * c) + j]);
            }

            var sum = 0.0;
            for (var j = 0; j < c; j++)
            {
                sum += Math.Exp(logits[(i * c) + j] - max);
            }

            for (var j = 0; j < c; j++)
            {
                result[(i * c) + j] = logits[(i * c) + j] - max - Math.Log(sum);
            }
        }

        return result;
    }

    /// <summary>Σᵢ wᵢ·CEᵢ / Σᵢ wᵢ with smoothed targets.</summary>
    public static double TrainLoss(HeadProblem p)
    {
        var logp = LogSoftmax(Logits(p.Features, p.N, p.D, p.Parameters), p.N, p.C);
        double num = 0, den = 0;
        for (var i = 0; i < p.N; i++)
        {
            var w = (double)p.SampleWeights[i] * p.ClassWeights[p.Labels[i]];
            var ce = 0.0;
            for (var j = 0; j < p.C; j++)
            {
                var t = ((j == p.Labels[i] ? 1.0 : 0.0) * (1 - p.Smoothing)) + (p.Smoothing / p.C);
                ce -= t * logp[(i * p.C) + j];
            }

            num += w * ce;
            den += w;
        }

        return num / den;
    }

    /// <summary>Unweighted mean cross-entropy, no smoothing.</summary>
    public static double EvalLoss(HeadProblem p)
    {
        var logp = LogSoftmax(Logits(p.Features, p.N, p.D, p.Parameters), p.N, p.C);
        var sum = 0.0;
        for (var i = 0; i < p.N; i++)
        {
            sum -= logp[(i * p.C) + p.Labels[i]];
        }

        return sum / p.N;
    }

    private static double[] ToDouble(float[] x) => [.. x.Select(v => (double)v)];

    private static double[] Affine(double[] x, int n, int inSize, NamedTensor w, NamedTensor b, bool relu)
    {
        var outSize = (int)w.Shape[1];
        var y = new double[n * outSize];
        for (var i = 0; i < n; i++)
        {
            for (var o = 0; o < outSize; o++)
            {
                double s = b.Data[o];
                for (var k = 0; k < inSize; k++)
                {
                    s += x[(i * inSize) + k] * w.Data[(k * outSize) + o];
                }

                y[(i * outSize) + o] = relu ? Math.Max(0, s) : s;
            }
        }

        return y;
    }
}
