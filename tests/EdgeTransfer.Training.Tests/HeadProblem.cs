using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Onnx.Heads;

namespace EdgeTransfer.Training.Tests;

/// <summary>A small seeded batch with non-uniform sample and class weights, and its head parameters.</summary>
internal sealed class HeadProblem
{
    public HeadProblem(HeadArchitecture head, int n = 8, int d = 6, int c = 3, float smoothing = 0.1f, int seed = 7)
    {
        Head = head;
        N = n;
        D = d;
        C = c;
        Smoothing = smoothing;
        var rng = new Random(seed);
        Features = [.. Enumerable.Range(0, n * d).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        Labels = [.. Enumerable.Range(0, n).Select(i => (long)(i % c))];
        SampleWeights = [.. Enumerable.Range(0, n).Select(_ => (float)(0.3 + (rng.NextDouble() * 1.7)))];
        ClassWeights = [.. Enumerable.Range(0, c).Select(j => 0.5f + (0.75f * j))];
        var initial = InitialHead.Create(head, d, c, seed);
        // Non-zero biases, so their gradients are exercised away from the symmetric start.
        Parameters = initial.Parameters
            .Select(p => new NamedTensor(p.Name, p.Shape, p.Name.EndsWith(".bias", StringComparison.Ordinal)
                ? [.. p.Data.Select(_ => (float)((rng.NextDouble() * 0.4) - 0.2))]
                : [.. p.Data]))
            .ToList();
    }

    public HeadArchitecture Head { get; }

    public int N { get; }

    public int D { get; }

    public int C { get; }

    public float Smoothing { get; }

    public float[] Features { get; }

    public long[] Labels { get; }

    public float[] SampleWeights { get; }

    public float[] ClassWeights { get; }

    public List<NamedTensor> Parameters { get; }

    public Dictionary<string, (Array Data, long[] Shape)> TrainInputs()
    {
        var inputs = new Dictionary<string, (Array, long[])>
        {
            ["features"] = (Features, [N, D]),
            ["labels"] = (Labels, [N]),
            ["sample_weights"] = (SampleWeights, [N]),
            ["class_weights"] = (ClassWeights, [C]),
            ["label_smoothing"] = (new[] { Smoothing }, []),
        };
        foreach (var p in Parameters)
        {
            inputs[p.Name] = (p.Data, p.Shape);
        }

        return inputs;
    }

    public Dictionary<string, (Array Data, long[] Shape)> ParameterInputs(bool withLabels)
    {
        var inputs = new Dictionary<string, (Array, long[])> { ["features"] = (Features, [N, D]) };
        if (withLabels)
        {
            inputs["labels"] = (Labels, [N]);
        }

        foreach (var p in Parameters)
        {
            inputs[p.Name] = (p.Data, p.Shape);
        }

        return inputs;
    }
}
