using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Randomness;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Training;

namespace EdgeTransfer.Benchmarks.Training;

/// <summary>
/// The baseline of <c>bench train</c>: the same linear-head training as the SDK's ORT graphs, written as plain
/// C# loops over float arrays — forward x·W + b, softmax cross-entropy gradient, AdamW (decoupled decay on
/// weights only) — with the same seeded shuffling and batching as <see cref="HeadTrainer"/>, so both take
/// the same steps and reach the same loss. It is what "just write it in C#" would cost.
/// </summary>
/// <remarks>
/// Scalar loops on purpose (no SIMD, no BLAS): the question is whether running small graphs through ORT
/// beats the obvious managed code. All buffers are allocated once; a step allocates nothing.
/// </remarks>
public sealed class PlainAdamWTrainer
{
    private readonly int _d;
    private readonly int _c;
    private readonly float[] _w;
    private readonly float[] _b;
    private readonly float[] _mW;
    private readonly float[] _vW;
    private readonly float[] _mB;
    private readonly float[] _vB;
    private readonly float[] _gW;
    private readonly float[] _gB;
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private long _step;

    /// <summary>Creates the trainer from a linear head's checkpoint (parameters and AdamW state copied).</summary>
    /// <param name="start">A checkpoint of a linear head with AdamW state, as <see cref="InitialHead.Create"/> makes.</param>
    /// <param name="optimizer">β₁, β₂ and ε (the learning rate and decay come with <see cref="Train"/>).</param>
    /// <exception cref="ArgumentException">The checkpoint is not a linear head's.</exception>
    public PlainAdamWTrainer(HeadCheckpoint start, OptimizerSettings optimizer)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(optimizer);
        var weight = Find(start.Parameters, HeadParameterNames.Weight);
        var bias = Find(start.Parameters, HeadParameterNames.Bias);
        if (weight.Shape.Length != 2 || bias.Shape.Length != 1 || bias.Shape[0] != weight.Shape[1])
        {
            throw new ArgumentException("The checkpoint is not a linear head's ([D,C] weight and [C] bias).", nameof(start));
        }

        _d = (int)weight.Shape[0];
        _c = (int)weight.Shape[1];
        _w = [.. weight.Data];
        _b = [.. bias.Data];
        _mW = [.. Find(start.OptimizerState, HeadGraphNames.State(OptimizerSettings.AdamM, HeadParameterNames.Weight)).Data];
        _vW = [.. Find(start.OptimizerState, HeadGraphNames.State(OptimizerSettings.AdamV, HeadParameterNames.Weight)).Data];
        _mB = [.. Find(start.OptimizerState, HeadGraphNames.State(OptimizerSettings.AdamM, HeadParameterNames.Bias)).Data];
        _vB = [.. Find(start.OptimizerState, HeadGraphNames.State(OptimizerSettings.AdamV, HeadParameterNames.Bias)).Data];
        _gW = new float[_w.Length];
        _gB = new float[_b.Length];
        _beta1 = (float)optimizer.Beta1;
        _beta2 = (float)optimizer.Beta2;
        _epsilon = (float)optimizer.Epsilon;
        _step = start.Step;
    }

    /// <summary>The weight [D, C], row-major.</summary>
    public ReadOnlySpan<float> Weight => _w;

    /// <summary>The bias [C].</summary>
    public ReadOnlySpan<float> Bias => _b;

    /// <summary>Trains as <c>HeadTrainer.Train</c> does with the same options (unweighted samples, no label smoothing).</summary>
    /// <param name="data">The labelled features.</param>
    /// <param name="options">Batch size, epochs, seed, shuffle, learning rate, weight decay.</param>
    /// <returns>The mean loss of every epoch.</returns>
    public IReadOnlyList<double> Train(FeatureSet data, HeadTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (data.FeatureSize != _d)
        {
            throw new ArgumentException($"The features have size {data.FeatureSize} but the head takes {_d}.", nameof(data));
        }

        var n = data.Count;
        var batch = Math.Min(options.BatchSize, n);
        var features = data.Features.Span;
        var labels = data.Labels.Span;
        var logits = new float[batch * _c];
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new SplitMix64(unchecked((ulong)options.Seed));
        var losses = new List<double>(options.Epochs);
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (options.Shuffle)
            {
                // The same Fisher–Yates draws as HeadTrainer, so both see the same batches.
                for (var i = order.Length - 1; i > 0; i--)
                {
                    var j = rng.NextInt(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
            }

            var lossSum = 0.0;
            for (var first = 0; first < n; first += batch)
            {
                var rows = Math.Min(batch, n - first);
                var loss = Gradients(features, labels, order.AsSpan(first, rows), logits);
                lossSum += (double)loss * rows;
                AdamWStep(options.LearningRate, options.WeightDecay);
            }

            losses.Add(lossSum / n);
        }

        return losses;
    }

    private float Gradients(ReadOnlySpan<float> features, ReadOnlySpan<long> labels, ReadOnlySpan<int> rows, float[] logits)
    {
        Array.Clear(_gW);
        Array.Clear(_gB);
        var scale = 1f / rows.Length;
        var loss = 0.0;
        for (var r = 0; r < rows.Length; r++)
        {
            var x = features.Slice(rows[r] * _d, _d);
            var z = logits.AsSpan(r * _c, _c);
            _b.CopyTo(z);
            for (var k = 0; k < _d; k++)
            {
                var xk = x[k];
                var wRow = _w.AsSpan(k * _c, _c);
                for (var j = 0; j < _c; j++)
                {
                    z[j] += xk * wRow[j];
                }
            }

            // Softmax cross-entropy: loss = logsumexp(z) − z_y, ∂loss/∂z = (softmax(z) − onehot(y)) / batch.
            var max = z[0];
            for (var j = 1; j < _c; j++)
            {
                max = Math.Max(max, z[j]);
            }

            var sum = 0f;
            for (var j = 0; j < _c; j++)
            {
                z[j] = MathF.Exp(z[j] - max);
                sum += z[j];
            }

            var y = (int)labels[rows[r]];
            loss += Math.Log(sum) - Math.Log(z[y]);
            for (var j = 0; j < _c; j++)
            {
                z[j] = ((z[j] / sum) - (j == y ? 1f : 0f)) * scale;
                _gB[j] += z[j];
            }

            // ∂W += xᵀ·∂z (one outer product per sample).
            for (var k = 0; k < _d; k++)
            {
                var xk = x[k];
                var gRow = _gW.AsSpan(k * _c, _c);
                for (var j = 0; j < _c; j++)
                {
                    gRow[j] += xk * z[j];
                }
            }
        }

        return (float)(loss * scale);
    }

    private void AdamWStep(float learningRate, float weightDecay)
    {
        _step++;
        var correction1 = 1f - MathF.Pow(_beta1, _step);
        var correction2 = 1f - MathF.Pow(_beta2, _step);
        var stepSize = learningRate / correction1;
        var decay = 1f - (learningRate * weightDecay);
        Update(_w, _gW, _mW, _vW, stepSize, correction2, decay);
        Update(_b, _gB, _mB, _vB, stepSize, correction2, 1f);
    }

    private void Update(float[] p, float[] g, float[] m, float[] v, float stepSize, float correction2, float decay)
    {
        for (var i = 0; i < p.Length; i++)
        {
            m[i] = (_beta1 * m[i]) + ((1f - _beta1) * g[i]);
            v[i] = (_beta2 * v[i]) + ((1f - _beta2) * g[i] * g[i]);
            var denominator = MathF.Sqrt(v[i] / correction2) + _epsilon;
            p[i] = (p[i] * decay) - (stepSize * (m[i] / denominator));
        }
    }

    private static NamedTensor Find(IReadOnlyList<NamedTensor> tensors, string name) =>
        tensors.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"The checkpoint has no '{name}'.", nameof(tensors));
}
