using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Training;

/// <summary>
/// The two ONNX Runtime sessions a head is trained with (the training graph and the optimizer graph) and their
/// options. A <see cref="HeadTrainer"/> opens its own; a recipe fit lends one pair to every candidate it trains, since
/// opening a pair per candidate cost each one's graph load, kernels and thread pools again, and left native garbage
/// behind that raised the device's memory peak while it trained.
/// </summary>
internal sealed class HeadSessions : IDisposable
{
    private readonly SessionOptions _options;

    /// <summary>Opens both graphs with the runtime settings of <paramref name="runtime"/>.</summary>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot load a graph.</exception>
    public HeadSessions(byte[] trainingModel, byte[] optimizerModel, RuntimeOptions runtime, string trainingModelName, string optimizerModelName)
    {
        TrainName = trainingModelName;
        OptimizerName = optimizerModelName;
        Runtime = runtime;
        _options = SessionFactory.CreateOptions(runtime);
        try
        {
            Train = OrtErrors.CreateSession(trainingModelName, trainingModel, _options);
            Optimizer = OrtErrors.CreateSession(optimizerModelName, optimizerModel, _options);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string TrainName { get; }

    public string OptimizerName { get; }

    /// <summary>The settings the sessions were opened with.</summary>
    public RuntimeOptions Runtime { get; }

    public InferenceSession Train { get; } = null!;

    public InferenceSession Optimizer { get; } = null!;

    public void Dispose()
    {
        Optimizer?.Dispose();
        Train?.Dispose();
        _options.Dispose();
    }
}
