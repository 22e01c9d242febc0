using System.Globalization;
using EdgeTransfer.Runtime.Features;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The per-frame work as the bundle's anomaly scoring graph run by ONNX Runtime (docs/anomaly.md, "Scoring"):
/// embedding and nearest-bank distances in one native call, on ORT's intra-op threads, with ORT's GEMM.
/// The model's projection and bank are bound once, as pinned inputs; a frame only copies its two maps in.
/// </summary>
/// <remarks>Not thread-safe: one frame at a time. Owns its session and values; dispose it when the model leaves service.</remarks>
public sealed class OrtPatchDistances : IPatchDistances, IDisposable
{
    // The graph's interface (src/EdgeTransfer.Onnx/Anomaly/AnomalyScoringGraph.cs), repeated here on purpose:
    // the device runtime does not reference the offline graph library.
    private const string Stage2 = "stage2";
    private const string Stage3 = "stage3";
    private const string Projection2 = "projection2";
    private const string Projection3 = "projection3";
    private const string Bank = "bank_neg2t";
    private const string BankNorms = "bank_norms";
    private const string Distances = "distances";

    private readonly FeatureLayout _layout;
    private readonly string _graphName;
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values = [];
    private readonly float[] _stage2;
    private readonly float[] _stage3;
    private readonly float[] _distances;
    private bool _disposed;

    /// <summary>Opens the scoring graph for <paramref name="model"/>.</summary>
    /// <param name="graph">The bundle's anomaly scoring graph (ONNX bytes).</param>
    /// <param name="graphName">Its file name, for messages.</param>
    /// <param name="model">The fitted model whose projection and bank are bound.</param>
    /// <param name="threads">ORT intra-op threads.</param>
    /// <exception cref="EdgeTransferException">ONNX Runtime cannot open the graph or bind the model.</exception>
    public OrtPatchDistances(byte[] graph, string graphName, AnomalyModel model, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _graphName = graphName;
        _layout = model.Layout;
        // The backbone's settings on the CPU (no spinning: it cost more than it saved on a small CPU, docs/benchmarks.md).
        _options = BackboneSession.CreateSessionOptions(new BackboneOptions { IntraOpThreads = threads }, out _, out _);
        try
        {
            _session = new InferenceSession(graph, _options);
            _binding = _session.CreateIoBinding();
            var s2 = _layout.Stage2;
            var s3 = _layout.Stage3;
            var (w2, w3) = ProjectionWeights(model);
            var d = model.Embedder.Dimensions;
            _stage2 = Bind(Stage2, new float[s2.Length], [1, s2.Channels, s2.Height, s2.Width]);
            _stage3 = Bind(Stage3, new float[s3.Length], [1, s3.Channels, s3.Height, s3.Width]);
            Bind(Projection2, w2, [d, s2.Channels, 1, 1]);
            Bind(Projection3, w3, [d, s3.Channels, 1, 1]);
            var (bank, norms) = BankInputs(model.Bank);
            Bind(Bank, bank, [d, model.Bank.Count]);
            Bind(BankNorms, norms, [1, model.Bank.Count]);
            _distances = GC.AllocateArray<float>(_layout.Patches, pinned: true);
            var output = OrtValue.CreateTensorValueFromMemory(_distances, [1, _layout.Patches]);
            _values.Add(output);
            _binding.BindOutput(Distances, output);
        }
        catch (OnnxRuntimeException ex)
        {
            Dispose();
            throw new EdgeTransferException($"ONNX Runtime cannot open the anomaly scoring graph '{graphName}' for this model: {ex.Message.Trim()} Prepare the bundle again.", ex);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Compute(AnomalyFeatures features, Span<float> distances)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (features.Layout != _layout)
        {
            throw new FeatureLayoutException(_layout, features.Layout);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(distances.Length, _layout.Patches, nameof(distances));
        features.Stage2.Values.Span.CopyTo(_stage2);
        features.Stage3.Values.Span.CopyTo(_stage3);
        try
        {
            _session.RunWithBinding(_run, _binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EdgeTransferException(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime failed to run the anomaly scoring graph '{_graphName}': {ex.Message.Trim()}"), ex);
        }

        _distances.CopyTo(distances);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding?.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _session?.Dispose();
        _run.Dispose();
        _options.Dispose();
    }

    // The projection as the two 1×1 Conv weights [D, C, 1, 1]: rows 0 … C2−1 of the [input, output] matrix act on
    // stage 2, the rest on stage 3 (the concatenation order). Without a projection the weights are identity
    // blocks, which concatenate the two maps' channels exactly as the managed embedder does.
    private static (float[] Stage2, float[] Stage3) ProjectionWeights(AnomalyModel model)
    {
        var c2 = model.Layout.Stage2.Channels;
        var c3 = model.Layout.Stage3.Channels;
        var d = model.Embedder.Dimensions;
        var w2 = new float[d * c2];
        var w3 = new float[d * c3];
        for (var o = 0; o < d; o++)
        {
            for (var c = 0; c < c2; c++)
            {
                w2[(o * c2) + c] = model.Projection is { } p ? p.Matrix[(c * d) + o] : (o == c ? 1f : 0f);
            }

            for (var c = 0; c < c3; c++)
            {
                w3[(o * c3) + c] = model.Projection is { } p ? p.Matrix[((c2 + c) * d) + o] : (o == c2 + c ? 1f : 0f);
            }
        }

        return (w2, w3);
    }

    // −2·bankᵀ [D, N] and ‖b‖² [1, N]: the graph's squared distance is then one MatMul and one Add.
    private static (float[] Bank, float[] Norms) BankInputs(MemoryBank bank)
    {
        var d = bank.Dimensions;
        var n = bank.Count;
        var transposed = new float[d * n];
        var norms = new float[n];
        for (var r = 0; r < n; r++)
        {
            var row = bank.Rows.AsSpan(r * d, d);
            norms[r] = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
            for (var k = 0; k < d; k++)
            {
                transposed[(k * n) + r] = -2f * row[k];
            }
        }

        return (transposed, norms);
    }

    // Pinned (POH) so that ORT may keep the address for the life of the binding.
    private float[] Bind(string name, float[] values, long[] shape)
    {
        var pinned = GC.AllocateArray<float>(values.Length, pinned: true);
        values.CopyTo(pinned, 0);
        var value = OrtValue.CreateTensorValueFromMemory(pinned, shape);
        _values.Add(value);
        _binding.BindInput(name, value);
        return pinned;
    }
}
