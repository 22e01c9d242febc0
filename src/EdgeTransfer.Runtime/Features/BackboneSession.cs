using System.Globalization;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Configuration;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Runtime.Features;

/// <summary>
/// The frozen backbone in ONNX Runtime: images [N,C,H,W] in, features [N,D] out, on the configured execution
/// provider, with inputs and outputs allocated once and bound once, so that a frame allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// The batch-1 tensors live in pinned managed arrays (<see cref="Input"/>, <see cref="Features"/>) that ORT
/// reads and writes in place through an <see cref="OrtIoBinding"/>: a run is one native call, with no name
/// marshalling, no result <see cref="OrtValue"/> and no span lookup per frame. A batch of N (for feature
/// extraction of stored samples) has its own binding, kept until a different N is asked for.
/// </para>
/// <para>
/// Patch layers (mid-level feature maps, manifest format 2) are bound only when asked for at construction, so
/// a session without them runs exactly as before; with them, the same run also fills one [N,C,H,W] buffer
/// per layer (<see cref="PatchMap"/>, <see cref="BatchPatchMap"/>).
/// </para>
/// <para>Owns its session, options and buffers; dispose is idempotent. Not thread-safe: one caller at a time.</para>
/// </remarks>
public sealed class BackboneSession : IDisposable
{
    private readonly string _modelName;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly long[] _imageShape;
    private readonly Binding _single;
    private Binding? _batch;
    private bool _disposed;

    /// <summary>Loads a backbone.</summary>
    /// <param name="model">The ONNX model bytes (verified by the caller, see <see cref="Loading.DeviceBundle.CreateBackbone"/>).</param>
    /// <param name="modelName">The model as errors name it (its path).</param>
    /// <param name="inputName">The image input tensor.</param>
    /// <param name="imageShape">One image's shape, [C,H,W].</param>
    /// <param name="outputName">The feature output tensor.</param>
    /// <param name="featureSize">D, the length of one feature vector.</param>
    /// <param name="options">Execution provider, threads and spinning; defaults when null.</param>
    /// <param name="patchLayers">The patch layers to bind as extra outputs (the manifest's <c>patchFeatures.layers</c>); null or empty for none.</param>
    /// <exception cref="ExecutionProviderUnavailableException">The provider is not in this ONNX Runtime (and <see cref="BackboneOptions.FallBackToCpu"/> is off).</exception>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot load the model, or its inputs and outputs are not the ones named.</exception>
    public BackboneSession(byte[] model, string modelName, string inputName, IReadOnlyList<long> imageShape, string outputName, int featureSize, BackboneOptions? options = null, IReadOnlyList<PatchLayerInfo>? patchLayers = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        ArgumentNullException.ThrowIfNull(imageShape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        if (imageShape.Count != 3 || imageShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"An image shape is [C,H,W] with positive sides; got [{string.Join(",", imageShape)}].", nameof(imageShape));
        }

        options ??= new BackboneOptions();
        options.Validate();
        _modelName = modelName;
        _inputName = inputName;
        _outputName = outputName;
        _imageShape = [.. imageShape];
        FeatureSize = featureSize;
        PatchLayers = patchLayers is null ? [] : [.. patchLayers];
        ValuesPerImage = checked((int)(_imageShape[0] * _imageShape[1] * _imageShape[2]));
        _sessionOptions = CreateSessionOptions(options, out var provider, out var fallbackReason);
        ExecutionProvider = provider;
        FallbackReason = fallbackReason;
        try
        {
            _runOptions = new RunOptions();
            try
            {
                _session = new InferenceSession(model, _sessionOptions);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelFormatException(modelName, $"ONNX Runtime cannot load it ({ex.Message.Trim()}); re-copy or prepare the bundle again.", ex);
            }

            CheckInterface();
            PatchOutputCheck.Check(_session, _modelName, PatchLayers);
            _single = new Binding(_session, inputName, outputName, 1, _imageShape, featureSize, PatchLayers);
        }
        catch
        {
            _session?.Dispose();
            _runOptions?.Dispose();
            _sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>D, the length of one feature vector.</summary>
    public int FeatureSize { get; }

    /// <summary>The patch layers bound to this session (empty when none were asked for).</summary>
    public IReadOnlyList<PatchLayerInfo> PatchLayers { get; }

    /// <summary>C·H·W, the floats of one preprocessed image.</summary>
    public int ValuesPerImage { get; }

    /// <summary>The provider the session runs on (<c>cpu</c> after a fallback).</summary>
    public ExecutionProviderKind ExecutionProvider { get; }

    /// <summary>Why the session fell back to the CPU provider, or null when it runs on the configured one.</summary>
    public string? FallbackReason { get; }

    /// <summary>The batch-1 input, [C,H,W] floats: write the preprocessed frame here, then call <see cref="Run"/>.</summary>
    public Span<float> Input
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _single.Input;
        }
    }

    /// <summary>The features of the last <see cref="Run"/>, [D] floats; overwritten by the next run.</summary>
    public ReadOnlySpan<float> Features
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _single.Output;
        }
    }

    /// <summary>The feature map of patch layer <paramref name="layer"/> from the last <see cref="Run"/>: [C,H,W] floats (<see cref="PatchLayers"/> gives C, H, W); overwritten by the next run.</summary>
    /// <param name="layer">The index into <see cref="PatchLayers"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">No such layer (none were bound, or the index is too large).</exception>
    public ReadOnlySpan<float> PatchMap(int layer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _single.PatchMap(layer, 0);
    }

    /// <summary>The feature map of patch layer <paramref name="layer"/> for image <paramref name="image"/> of the last <see cref="RunBatch"/> of <paramref name="batchSize"/>: [C,H,W] floats.</summary>
    /// <param name="batchSize">N, as given to <see cref="RunBatch"/>.</param>
    /// <param name="layer">The index into <see cref="PatchLayers"/>.</param>
    /// <param name="image">The image in the batch, 0 to N-1.</param>
    /// <exception cref="ArgumentOutOfRangeException">No such layer or image.</exception>
    public ReadOnlySpan<float> BatchPatchMap(int batchSize, int layer, int image)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(image);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(image, batchSize);
        return BatchBinding(batchSize).PatchMap(layer, image);
    }

    /// <summary>Runs the backbone on <see cref="Input"/>.</summary>
    /// <returns><see cref="Features"/>.</returns>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed (inner exception).</exception>
    public ReadOnlySpan<float> Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RunBinding(_single);
        return _single.Output;
    }

    /// <summary>The input of a batch of <paramref name="batchSize"/> images, [N,C,H,W] floats, bound until a different size is asked for.</summary>
    /// <param name="batchSize">N, 1 to 4096.</param>
    public Span<float> BatchInput(int batchSize) => BatchBinding(batchSize).Input;

    /// <summary>Runs the backbone on <see cref="BatchInput"/> of the same size.</summary>
    /// <param name="batchSize">N, as given to <see cref="BatchInput"/>.</param>
    /// <returns>The features, [N,D] row-major; overwritten by the next batch run.</returns>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed (inner exception).</exception>
    public ReadOnlySpan<float> RunBatch(int batchSize)
    {
        var binding = BatchBinding(batchSize);
        RunBinding(binding);
        return binding.Output;
    }

    /// <summary>One run on a blank image, so that ORT's first-run costs (allocator arenas, kernel selection) are not paid by the first part.</summary>
    public void WarmUp()
    {
        Input.Clear();
        Run();
    }

    /// <summary>Releases the session, options and bound buffers. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _batch?.Dispose();
        _single.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
        _sessionOptions.Dispose();
    }

    /// <summary>The session options of a backbone run (threads, spinning, execution provider); also the anomaly scoring graph's (CPU).</summary>
    internal static SessionOptions CreateSessionOptions(BackboneOptions options, out ExecutionProviderKind provider, out string? fallbackReason)
    {
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            // A session config key of ONNX Runtime (not a SessionOptions property); its default "1" doubled the
            // per-frame time on the 2-core VM (docs/benchmarks.md), hence an explicit setting.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
            provider = options.ExecutionProvider;
            fallbackReason = null;
            try
            {
                ExecutionProviders.Append(sessionOptions, options.ExecutionProvider, options.DeviceId);
            }
            catch (ExecutionProviderUnavailableException ex) when (options.FallBackToCpu)
            {
                // Nothing was appended (the append failed), so the options hold the CPU provider only.
                provider = ExecutionProviderKind.Cpu;
                fallbackReason = ex.Message;
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private void CheckInterface()
    {
        if (!_session.InputMetadata.TryGetValue(_inputName, out var input) || input.Dimensions.Length != 4)
        {
            throw new ModelFormatException(_modelName, $"it has no image input '{_inputName}' [N,C,H,W] (inputs: {string.Join(", ", _session.InputMetadata.Keys)}); the manifest and the model do not match: prepare the bundle again.");
        }

        for (var i = 1; i < 4; i++)
        {
            if (input.Dimensions[i] > 0 && input.Dimensions[i] != _imageShape[i - 1])
            {
                throw new ModelFormatException(_modelName, $"its input '{_inputName}' is [{string.Join(",", input.Dimensions)}], the manifest says [N,{string.Join(",", _imageShape)}]; prepare the bundle again.");
            }
        }

        if (!_session.OutputMetadata.TryGetValue(_outputName, out var output) || output.Dimensions.Length != 2 || (output.Dimensions[1] > 0 && output.Dimensions[1] != FeatureSize))
        {
            throw new ModelFormatException(_modelName, string.Create(CultureInfo.InvariantCulture, $"it has no feature output '{_outputName}' [N,{FeatureSize}] (outputs: {string.Join(", ", _session.OutputMetadata.Keys)}); prepare the bundle again."));
        }
    }

    private Binding BatchBinding(int batchSize)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, 4096);
        if (batchSize == 1)
        {
            return _single;
        }

        if (_batch is not { } binding || binding.BatchSize != batchSize)
        {
            _batch?.Dispose();
            _batch = null;
            _batch = binding = new Binding(_session, _inputName, _outputName, batchSize, _imageShape, FeatureSize, PatchLayers);
        }

        return binding;
    }

    private void RunBinding(Binding binding)
    {
        try
        {
            _session.RunWithBinding(_runOptions, binding.IoBinding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EdgeTransferException(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime failed to run the backbone '{_modelName}' at batch {binding.BatchSize}: {ex.Message.Trim()}"), ex);
        }
    }

    /// <summary>Pinned input and output arrays of one batch size, bound once to the session.</summary>
    private sealed class Binding : IDisposable
    {
        private readonly float[] _input;
        private readonly float[] _output;
        private readonly OrtValue _inputValue;
        private readonly OrtValue _outputValue;
        private readonly PatchBuffers? _patches;

        public Binding(InferenceSession session, string inputName, string outputName, int batchSize, long[] imageShape, int featureSize, IReadOnlyList<PatchLayerInfo> patchLayers)
        {
            BatchSize = batchSize;

            // Pinned (POH) so that ORT may keep the addresses for the life of the binding.
            _input = GC.AllocateArray<float>(checked(batchSize * (int)(imageShape[0] * imageShape[1] * imageShape[2])), pinned: true);
            _output = GC.AllocateArray<float>(checked(batchSize * featureSize), pinned: true);
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [batchSize, .. imageShape]);
            try
            {
                _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [batchSize, featureSize]);
                IoBinding = session.CreateIoBinding();
                IoBinding.BindInput(inputName, _inputValue);
                IoBinding.BindOutput(outputName, _outputValue);
                _patches = patchLayers.Count == 0 ? null : new PatchBuffers(IoBinding, patchLayers, batchSize);
            }
            catch
            {
                _patches?.Dispose();
                IoBinding?.Dispose();
                _outputValue?.Dispose();
                _inputValue.Dispose();
                throw;
            }
        }

        public int BatchSize { get; }

        public OrtIoBinding IoBinding { get; }

        public Span<float> Input => _input;

        public ReadOnlySpan<float> Output => _output;

        public ReadOnlySpan<float> PatchMap(int layer, int image) =>
            _patches is { } patches
                ? patches.Map(layer, image)
                : throw new ArgumentOutOfRangeException(nameof(layer), layer, "This backbone session has no patch layers: ask for them when creating it (a bundle of format 2 prepared with patch layers).");

        public void Dispose()
        {
            _patches?.Dispose();
            IoBinding.Dispose();
            _inputValue.Dispose();
            _outputValue.Dispose();
        }
    }
}
