using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;

using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Onnx.Heads;

/// <summary>Creates the seeded initial checkpoint of a head (the bundle's <c>checkpoint.etck</c>).</summary>
public static class InitialHead
{
    /// <summary>
    /// Seeded initial parameters and zeroed optimizer state. Weights feeding a ReLU (the MLP's first
    /// layer) are Kaiming-uniform, U(±√(6/fan_in)) (He et al. 2015); weights producing logits are
    /// Xavier-uniform, U(±√(6/(fan_in+fan_out))) (Glorot &amp; Bengio 2010); biases are zero.
    /// </summary>
    /// <param name="head">The head.</param>
    /// <param name="featureSize">D.</param>
    /// <param name="classCount">C (2 or more).</param>
    /// <param name="seed">The seed; the same seed gives the same values everywhere.</param>
    /// <param name="optimizer">The optimizer whose state tensors to create; AdamW's when null.</param>
    /// <returns>A checkpoint at step 0 with parameters in graph input order and state named <c>&lt;state&gt;.&lt;param&gt;</c>.</returns>
    public static HeadCheckpoint Create(HeadArchitecture head, int featureSize, int classCount, int seed, OptimizerSettings? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(head);
        optimizer ??= OptimizerSettings.AdamW();
        var rng = new SplitMix64(unchecked((ulong)seed));
        var parameters = new List<NamedTensor>();
        var state = new List<NamedTensor>();
        foreach (var p in head.Parameters(featureSize, classCount))
        {
            var data = new float[p.ElementCount];
            if (p.IsWeight)
            {
                double fanIn = p.Shape[0], fanOut = p.Shape[1];
                var feedsRelu = p.Name == HeadParameterNames.Fc1Weight;
                var bound = feedsRelu ? Math.Sqrt(6.0 / fanIn) : Math.Sqrt(6.0 / (fanIn + fanOut));
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(((2 * rng.NextDouble()) - 1) * bound);
                }
            }

            parameters.Add(new NamedTensor(p.Name, p.Shape, data));
        }

        foreach (var s in optimizer.StateNames)
        {
            foreach (var p in parameters)
            {
                state.Add(new NamedTensor(HeadGraphNames.State(s, p.Name), p.Shape, new float[p.Data.Length]));
            }
        }

        var metadata = new Dictionary<string, string>
        {
            ["head"] = head.ToString(),
            ["optimizer"] = optimizer.Name,
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["init"] = "kaiming-uniform (relu inputs), xavier-uniform (logits), zero biases",
        };
        return new HeadCheckpoint(parameters, state, 0, metadata);
    }
}
