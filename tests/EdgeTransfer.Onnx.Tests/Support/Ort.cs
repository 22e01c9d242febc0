using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Onnx.Tests.Support;

/// <summary>Runs a model with ONNX Runtime: the independent reference for every numeric check.</summary>
internal sealed class Ort : IDisposable
{
    private readonly InferenceSession _session;

    public Ort(ModelProto model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        _session = new InferenceSession(model.ToByteArray(), options);
    }

    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Runs the model on float inputs; returns every float output by name.</summary>
    public Dictionary<string, float[]> Run(params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = _session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, _session.OutputNames);
            var outputs = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (var k = 0; k < results.Count; k++)
            {
                outputs[_session.OutputNames[k]] = results[k].GetTensorDataAsSpan<float>().ToArray();
            }

            return outputs;
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public static Dictionary<string, float[]> RunOnce(ModelProto model, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var ort = new Ort(model);
        return ort.Run(inputs);
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale)];
    }

    public static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }

    public void Dispose() => _session.Dispose();
}
