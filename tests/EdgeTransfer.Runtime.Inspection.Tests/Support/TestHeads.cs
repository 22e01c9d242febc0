using EdgeTransfer.Artifacts.Checkpoints;

namespace EdgeTransfer.Runtime.Inspection.Tests.Support;

/// <summary>Hand-made linear heads for the 3-class test bundle (head.weight [D,3], head.bias [3]).</summary>
public static class TestHeads
{
    /// <summary>A head whose probabilities do not depend on the features: softmax(<paramref name="bias"/>).</summary>
    public static HeadCheckpoint Constant(int featureSize, params float[] bias) =>
        new([new NamedTensor("head.weight", [featureSize, bias.Length], new float[featureSize * bias.Length]), new NamedTensor("head.bias", [bias.Length], bias)]);

    /// <summary>
    /// A head that tells two images apart by their features: class <paramref name="defectClass"/> for features
    /// like <paramref name="defect"/>, class 0 (good) for features like <paramref name="good"/>, by a margin of
    /// <paramref name="margin"/> logits either side of the midpoint.
    /// </summary>
    public static HeadCheckpoint Separating(float[] good, float[] defect, int defectClass, float margin = 20f)
    {
        var d = good.Length;
        var direction = new double[d];
        var norm2 = 0.0;
        var mid = 0.0;
        for (var i = 0; i < d; i++)
        {
            direction[i] = defect[i] - good[i];
            norm2 += direction[i] * direction[i];
        }

        for (var i = 0; i < d; i++)
        {
            mid += direction[i] * (good[i] + defect[i]) / 2;
        }

        var weight = new float[d * 3];
        for (var i = 0; i < d; i++)
        {
            weight[(i * 3) + defectClass] = (float)(margin * direction[i] / norm2);
        }

        var bias = new float[3];
        bias[defectClass] = (float)(-margin * mid / norm2);
        bias[3 - defectClass] = -100f; // the third class never wins
        return new([new NamedTensor("head.weight", [d, 3], weight), new NamedTensor("head.bias", [3], bias)]);
    }

    public static float[] Softmax(params float[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = e.Sum();
        return [.. e.Select(v => (float)(v / sum))];
    }
}
