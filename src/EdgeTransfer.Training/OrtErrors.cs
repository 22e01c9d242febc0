using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Training;

/// <summary>
/// The one funnel through which ONNX Runtime errors leave this library: each is wrapped, never
/// swallowed, as the inner exception of an SDK error that names the graph and what was being done.
/// </summary>
internal static class OrtErrors
{
    /// <summary>Loads a graph; a model ORT rejects becomes a <see cref="ModelFormatException"/>.</summary>
    public static InferenceSession CreateSession(string graphName, byte[] model, SessionOptions options)
    {
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelFormatException(graphName, $"ONNX Runtime cannot load it ({ex.Message.Trim()}); rebuild the bundle with 'edgetransfer prepare'.", ex);
        }
    }

    /// <summary>The error for a failed run of <paramref name="graphName"/>; the caller throws it.</summary>
    public static EdgeTransferException RunFailed(string graphName, OnnxRuntimeException ex) =>
        new($"ONNX Runtime failed to run graph '{graphName}': {ex.Message.Trim()}", ex);

    /// <summary>Runs a graph with pre-allocated inputs and outputs (no allocation of result values).</summary>
    public static void Run(
        InferenceSession session,
        RunOptions runOptions,
        string graphName,
        string[] inputNames,
        OrtValue[] inputs,
        string[] outputNames,
        OrtValue[] outputs)
    {
        try
        {
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw RunFailed(graphName, ex);
        }
    }
}
