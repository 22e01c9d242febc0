using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>
/// One backbone in ORT (CPU, level ALL) with a pre-allocated input and output per batch size, so a timed
/// run is one native call and nothing else: no tensor wrapping, no result allocation.
/// </summary>
internal sealed class BackboneSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _imageShape;
    private readonly int _featureSize;
    private readonly Dictionary<int, (OrtValue[] Inputs, OrtValue[] Outputs)> _bound = [];
    private bool _disposed;

    public BackboneSession(ModelProto model, string name, string inputName, string featureName, IReadOnlyList<long> imageShape, int featureSize, int threads, bool spinning, string? profilePrefix = null)
    {
        Name = name;
        _imageShape = [.. imageShape];
        _featureSize = featureSize;
        _inputNames = [inputName];
        _outputNames = [featureName];
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            // Config key from onnxruntime_session_options_config_keys.h; "1" is ORT's default.
            _options.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            if (profilePrefix is not null)
            {
                _options.EnableProfiling = true;
                _options.ProfileOutputPathPrefix = profilePrefix;
            }

            _session = new InferenceSession(model.ToByteArray(), _options);
        }
        catch (OnnxRuntimeException ex)
        {
            _options.Dispose();
            throw new ModelFormatException(name, $"ONNX Runtime cannot load it ({ex.Message.Trim()}).", ex);
        }
    }

    public string Name { get; }

    public int ValuesPerImage => (int)_imageShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The input buffer of batch size <paramref name="batch"/>, to fill before <see cref="Run"/>.</summary>
    public Span<float> Input(int batch) => Bind(batch).Inputs[0].GetTensorMutableDataAsSpan<float>();

    /// <summary>The features of the last run of batch size <paramref name="batch"/>: [batch, D].</summary>
    public ReadOnlySpan<float> Output(int batch) => Bind(batch).Outputs[0].GetTensorDataAsSpan<float>();

    /// <summary>Runs the backbone on the bound input of batch size <paramref name="batch"/>.</summary>
    public void Run(int batch)
    {
        var (inputs, outputs) = Bind(batch);
        try
        {
            _session.Run(_runOptions, _inputNames, inputs, _outputNames, outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EdgeTransferException($"ONNX Runtime failed to run the {Name} backbone at batch {batch}: {ex.Message.Trim()}", ex);
        }
    }

    /// <summary>Stops ORT's profiler (when enabled) and returns the trace file it wrote.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var (inputs, outputs) in _bound.Values)
        {
            inputs[0].Dispose();
            outputs[0].Dispose();
        }

        _bound.Clear();
        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }

    // The name and value arrays are built once per batch size: a timed run must not allocate.
    private (OrtValue[] Inputs, OrtValue[] Outputs) Bind(int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_bound.TryGetValue(batch, out var pair))
        {
            var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [batch, .. _imageShape]);
            var output = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [batch, _featureSize]);
            _bound[batch] = pair = ([input], [output]);
        }

        return pair;
    }
}
