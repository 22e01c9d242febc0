using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Quantization.Calibration;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Quantization.Tests;

/// <summary>Runs models with ONNX Runtime on the CPU, as the device will.</summary>
internal static class OrtHelper
{
    public static SessionOptions Options(int threads = 2, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        // Spinning threads steal the second core on this 2-core VM (docs/benchmarks.md).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    public static InferenceSession Session(ModelProto model, int threads = 2)
    {
        using var options = Options(threads);
        return new InferenceSession(model.ToByteArray(), options);
    }

    /// <summary>The first output for one batch, as [N, rest] rows.</summary>
    public static float[][] Run(InferenceSession session, CalibrationBatch batch)
    {
        var inputName = session.InputMetadata.Keys.Single();
        using var input = OrtValue.CreateTensorValueFromMemory(batch.Data, [.. batch.Shape]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [input], [session.OutputMetadata.Keys.First()]);
        var values = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var per = values.Length / batch.Count;
        return [.. Enumerable.Range(0, batch.Count).Select(i => values.AsSpan(i * per, per).ToArray())];
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 && nb == 0 ? 1 : dot / Math.Sqrt(na * nb);
    }
}
