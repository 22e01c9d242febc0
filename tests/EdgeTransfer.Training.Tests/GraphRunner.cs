using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Training.Tests;

/// <summary>Runs a built graph through ONNX Runtime with managed arrays in and out (test convenience, not the hot path).</summary>
internal sealed class GraphRunner : IDisposable
{
    private readonly InferenceSession _session;

    public GraphRunner(ModelProto model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(model.ToByteArray(), options);
    }

    public Dictionary<string, float[]> Run(IReadOnlyDictionary<string, (Array Data, long[] Shape)> inputs)
    {
        var values = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, (data, shape)) in inputs)
            {
                values[name] = data switch
                {
                    float[] f => OrtValue.CreateTensorValueFromMemory(f, shape),
                    long[] l => OrtValue.CreateTensorValueFromMemory(l, shape),
                    _ => throw new ArgumentException($"Unsupported input type for '{name}'."),
                };
            }

            using var runOptions = new RunOptions();
            var names = _session.OutputNames;
            using var outputs = _session.Run(runOptions, values, names);
            var result = new Dictionary<string, float[]>();
            for (var i = 0; i < names.Count; i++)
            {
                result[names[i]] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            }

            return result;
        }
        finally
        {
            foreach (var v in values.Values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
