using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Training;

/// <summary>
/// Runs a bundle's inference graph (<c>infer.onnx</c>): class probabilities for feature rows, with the
/// head parameters held in native buffers that <see cref="UpdateParameters(HeadCheckpoint)"/> overwrites in place.
/// </summary>
/// <remarks>
/// The input and output buffers of the last batch size are kept, so repeated calls with the same
/// number of rows (one frame at a time, typically) allocate nothing. Owns its session; not thread-safe.
/// </remarks>
public sealed class HeadPredictor : IDisposable
{
    private readonly string _graphName;
    private readonly SessionOptions _sessionOptions;
    private readonly RunOptions _runOptions;
    private readonly InferenceSession _session;
    private readonly TensorSlot[] _parameters;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [HeadGraphNames.Probabilities];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs = new OrtValue[1];
    private readonly int _featuresIndex;
    private OrtValue? _features;
    private OrtValue? _probabilities;
    private int _rows;
    private bool _disposed;

    /// <summary>Creates a predictor.</summary>
    /// <param name="inferenceModel">The bytes of <c>infer.onnx</c>.</param>
    /// <param name="head">The parameters to predict with (copied).</param>
    /// <param name="runtime">Threads and spinning; defaults when null.</param>
    /// <param name="graphName">The name used for the graph in errors.</param>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot load the graph.</exception>
    /// <exception cref="EdgeTransferException">The graph and the parameters do not fit together.</exception>
    public HeadPredictor(byte[] inferenceModel, HeadCheckpoint head, RuntimeOptions? runtime = null, string graphName = "infer.onnx")
    {
        ArgumentNullException.ThrowIfNull(inferenceModel);
        ArgumentNullException.ThrowIfNull(head);
        runtime ??= new RuntimeOptions();
        RuntimeOptionsValidator.Validate(runtime);
        _graphName = graphName;
        _sessionOptions = SessionFactory.CreateOptions(runtime);
        var slots = new List<TensorSlot>();
        try
        {
            _runOptions = new RunOptions();
            _session = OrtErrors.CreateSession(graphName, inferenceModel, _sessionOptions);
            var meta = _session.InputMetadata;
            if (!meta.TryGetValue(HeadGraphNames.Features, out var features) || features.Dimensions.Length != 2 || features.Dimensions[1] <= 0
                || !_session.OutputMetadata.TryGetValue(HeadGraphNames.Probabilities, out var probabilities) || probabilities.Dimensions.Length != 2 || probabilities.Dimensions[1] <= 0)
            {
                throw Mismatch("it needs an input 'features' [N,D] and an output 'probabilities' [N,C] (docs/bundle.md)");
            }

            FeatureSize = features.Dimensions[1];
            ClassCount = probabilities.Dimensions[1];
            _inputNames = [.. _session.InputNames];
            _featuresIndex = Array.IndexOf(_inputNames, HeadGraphNames.Features);
            _inputs = new OrtValue[_inputNames.Length];
            for (var i = 0; i < _inputNames.Length; i++)
            {
                if (i == _featuresIndex)
                {
                    continue;
                }

                var name = _inputNames[i];
                var tensor = head.Parameters.FirstOrDefault(p => p.Name == name) ?? throw Mismatch($"the parameters have no '{name}'");
                long[] shape = [.. meta[name].Dimensions.Select(d => (long)d)];
                if (!shape.SequenceEqual(tensor.Shape))
                {
                    throw Mismatch($"parameter '{name}' has shape [{string.Join(",", tensor.Shape)}] but the graph takes [{string.Join(",", shape)}]");
                }

                var slot = new TensorSlot(name, shape, tensor.Data);
                slots.Add(slot);
                _inputs[i] = slot.Buffers[0];
            }

            _parameters = [.. slots];
        }
        catch
        {
            foreach (var s in slots)
            {
                s.Dispose();
            }

            _session?.Dispose();
            _runOptions?.Dispose();
            _sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>D, the feature size the graph takes.</summary>
    public int FeatureSize { get; }

    /// <summary>C, the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Creates a predictor from a graph file.</summary>
    /// <param name="inferenceModelPath">The path of <c>infer.onnx</c>.</param>
    /// <param name="head">The parameters.</param>
    /// <param name="runtime">Threads and spinning; defaults when null.</param>
    public static HeadPredictor Load(string inferenceModelPath, HeadCheckpoint head, RuntimeOptions? runtime = null)
    {
        ArgumentNullException.ThrowIfNull(inferenceModelPath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(inferenceModelPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(inferenceModelPath, $"it cannot be read ({ex.Message}).", ex);
        }

        return new HeadPredictor(bytes, head, runtime, inferenceModelPath);
    }

    /// <summary>Replaces the parameters (same names and shapes) without reloading the graph.</summary>
    /// <param name="head">The new parameters.</param>
    public void UpdateParameters(HeadCheckpoint head)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(head);
        // Check all before writing any, so a bad checkpoint leaves the old head whole.
        var tensors = _parameters.Select(p =>
        {
            var t = head.Parameters.FirstOrDefault(x => x.Name == p.Name) ?? throw Mismatch($"the new parameters have no '{p.Name}'");
            return t.Shape.SequenceEqual(p.Shape) ? t : throw Mismatch($"new parameter '{p.Name}' has shape [{string.Join(",", t.Shape)}], expected [{string.Join(",", p.Shape)}]");
        }).ToArray();
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i].Data.CopyTo(_parameters[i].Values(0));
        }
    }

    /// <summary>
    /// Copies the current parameters of <paramref name="trainer"/> (same names and shapes) from its native buffers
    /// into this predictor's, without a managed copy: how a training run validates each epoch.
    /// </summary>
    /// <param name="trainer">A trainer of the same head.</param>
    public void UpdateParameters(HeadTrainer trainer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(trainer);
        ObjectDisposedException.ThrowIf(trainer.IsDisposed, trainer);
        // Check all before writing any, so a mismatch leaves the old head whole.
        var sources = _parameters.Select(p =>
        {
            var t = trainer.FindParameter(p.Name) ?? throw Mismatch($"the trainer has no parameter '{p.Name}'");
            return t.Shape.SequenceEqual(p.Shape) ? t : throw Mismatch($"the trainer's parameter '{p.Name}' has shape [{string.Join(",", t.Shape)}], expected [{string.Join(",", p.Shape)}]");
        }).ToArray();
        var side = trainer.Side;
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i].Values(side).CopyTo(_parameters[i].Values(0));
        }
    }

    /// <summary>Class probabilities of every row.</summary>
    /// <param name="features">Row-major [rows, D].</param>
    /// <returns>Row-major [rows, C].</returns>
    public float[] Predict(ReadOnlySpan<float> features)
    {
        var result = new float[features.Length / Math.Max(FeatureSize, 1) * ClassCount];
        Predict(features, result);
        return result;
    }

    /// <summary>Class probabilities of every row, written into <paramref name="probabilities"/>.</summary>
    /// <param name="features">Row-major [rows, D]; its length must be a multiple of D.</param>
    /// <param name="probabilities">Row-major [rows, C].</param>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed (inner exception).</exception>
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (features.IsEmpty || features.Length % FeatureSize != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Features must be whole rows of {FeatureSize} values; got {features.Length}."), nameof(features));
        }

        var rows = features.Length / FeatureSize;
        if (probabilities.Length != rows * ClassCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{rows} rows need room for {rows * ClassCount} probabilities; got {probabilities.Length}."), nameof(probabilities));
        }

        if (rows != _rows)
        {
            Resize(rows);
        }

        features.CopyTo(_features!.GetTensorMutableDataAsSpan<float>());
        OrtErrors.Run(_session, _runOptions, _graphName, _inputNames, _inputs, _outputNames, _outputs);
        _probabilities!.GetTensorDataAsSpan<float>().CopyTo(probabilities);
    }

    /// <summary>Releases the session and native buffers. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _features?.Dispose();
        _probabilities?.Dispose();
        foreach (var p in _parameters)
        {
            p.Dispose();
        }

        _session.Dispose();
        _runOptions.Dispose();
        _sessionOptions.Dispose();
    }

    private EdgeTransferException Mismatch(string reason) =>
        new($"Graph '{_graphName}' cannot run this head: {reason}. Use the graph and checkpoint of the same bundle.");

    private void Resize(int rows)
    {
        _features?.Dispose();
        _probabilities?.Dispose();
        _features = null;
        _probabilities = null;
        _rows = 0;
        _features = TensorSlot.Allocate([rows, FeatureSize]);
        _probabilities = TensorSlot.Allocate([rows, ClassCount]);
        _inputs[_featuresIndex] = _features;
        _outputs[0] = _probabilities;
        _rows = rows;
    }
}
