using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Loading;

/// <summary>
/// A bundle as the device runs it: opened and verified completely (manifest, every file's size and
/// SHA-256, checkpoint against the head) before anything in it is used, with the backbone chosen.
/// </summary>
/// <remarks>
/// <para>
/// The model files are read again, and their SHA-256 checked against the verified manifest, at the moment
/// a session is made from them (<see cref="CreateBackbone"/>, <see cref="CreateHeadPredictor"/>): the bytes
/// ONNX Runtime loads are the bytes that were verified, even if the directory changes after
/// <see cref="Open"/>. No model bytes are kept in memory between sessions (the float ResNet18 is 60 MB).
/// </para>
/// <para>Immutable and thread-safe. Holds no native resources.</para>
/// </remarks>
public sealed class DeviceBundle
{
    private readonly float[]? _meanImage;

    private DeviceBundle(Bundle bundle, string backboneRole, HeadCheckpoint initialHead, float[]? meanImage)
    {
        Bundle = bundle;
        BackboneRole = backboneRole;
        InitialHead = initialHead;
        _meanImage = meanImage;
    }

    /// <summary>The verified bundle.</summary>
    public Bundle Bundle { get; }

    /// <summary>The verified manifest.</summary>
    public BundleManifest Manifest => Bundle.Manifest;

    /// <summary>The bundle id from the manifest.</summary>
    public string BundleId => Bundle.Manifest.BundleId;

    /// <summary>The class names, in the order of the head's outputs.</summary>
    public IReadOnlyList<string> Classes => Bundle.Manifest.Classes;

    /// <summary>The role of the backbone that runs: <see cref="BundleRoles.BackboneInt8"/> or <see cref="BundleRoles.Backbone"/>.</summary>
    public string BackboneRole { get; }

    /// <summary>Whether the INT8 backbone runs.</summary>
    public bool IsInt8 => BackboneRole == BundleRoles.BackboneInt8;

    /// <summary>The full path of the backbone that runs.</summary>
    public string BackbonePath => Bundle.GetPath(BackboneRole);

    /// <summary>The bundle's initial head (its checkpoint), used when the head registry is empty.</summary>
    public HeadCheckpoint InitialHead { get; }

    /// <summary>Opens <paramref name="directory"/>, verifies all of it, and chooses the backbone.</summary>
    /// <param name="directory">The bundle directory.</param>
    /// <param name="choice">Which backbone to run.</param>
    /// <returns>The verified bundle.</returns>
    /// <exception cref="BundleException">
    /// The bundle is not valid (the message names the file and the reason), or it lacks the backbone
    /// <paramref name="choice"/> asks for.
    /// </exception>
    public static DeviceBundle Open(string directory, BackboneChoice choice = BackboneChoice.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var bundle = BundleReader.Open(directory);
        var role = ChooseBackbone(bundle, choice);
        HeadCheckpoint head;
        try
        {
            head = bundle.ReadCheckpoint();
        }
        catch (CheckpointException ex)
        {
            // Verified a moment ago: a failure now means the file changed under us.
            throw new BundleException(bundle.DisplayName, BundleRoles.Checkpoint, $"changed after it was verified: {ex.Reason}", ex);
        }

        float[]? mean;
        try
        {
            mean = bundle.ReadMeanImage();
        }
        catch (EdgeTransferException ex)
        {
            throw new BundleException(bundle.DisplayName, BundleRoles.MeanImage, $"cannot be used: {ex.Message}", ex);
        }

        return new DeviceBundle(bundle, role, head, mean);
    }

    /// <summary>Makes the backbone session (the chosen backbone, verified again as it is read).</summary>
    /// <param name="options">Execution provider, threads and spinning; defaults when null.</param>
    /// <param name="withPatchMaps">
    /// Also bind the manifest's patch layers, so that each run fills <see cref="BackboneSession.PatchMap"/>;
    /// off by default, which leaves the features-only session exactly as it was.
    /// </param>
    /// <returns>A session the caller owns.</returns>
    /// <exception cref="BundleException">The backbone file changed since the bundle was verified, or patch maps are asked of a bundle without them.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">The configured execution provider is not in this ONNX Runtime.</exception>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot load the backbone.</exception>
    public BackboneSession CreateBackbone(BackboneOptions? options = null, bool withPatchMaps = false)
    {
        var input = Manifest.Input;
        var patchLayers = withPatchMaps
            ? Manifest.PatchFeatures?.Layers ?? throw new BundleException(Bundle.DirectoryPath, BundleManifest.FileName, $"has no patch features (format {Manifest.FormatVersion}, or prepared with --patch-layers none); prepare the bundle again with patch layers for anomaly detection.")
            : null;
        return new BackboneSession(
            Bundle.ReadBackbone(BackboneRole),
            BackbonePath,
            input.Name,
            [input.Channels, input.Height, input.Width],
            Manifest.Features.Tensor,
            Manifest.Features.Size,
            options,
            patchLayers);
    }

    /// <summary>Makes the head predictor over the bundle's inference graph.</summary>
    /// <param name="head">The head to start with; the bundle's initial head when null.</param>
    /// <param name="runtime">Threads and spinning of the head session; defaults (1 thread, no spinning) when null.</param>
    /// <returns>A predictor the caller owns.</returns>
    /// <exception cref="BundleException">The graph file changed since the bundle was verified.</exception>
    /// <exception cref="EdgeTransferException">The graph cannot be loaded, or <paramref name="head"/> does not fit it.</exception>
    public HeadPredictor CreateHeadPredictor(HeadCheckpoint? head = null, RuntimeOptions? runtime = null) =>
        new(Bundle.ReadVerified(BundleRoles.InferenceModel), head ?? InitialHead, runtime, Bundle.GetPath(BundleRoles.InferenceModel));

    /// <summary>
    /// The per-frame anomaly work for <paramref name="model"/>: the bundle's ONNX scoring graph run by ONNX Runtime
    /// when the bundle has one (prepared by this version), else managed code (bundles prepared before it).
    /// </summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="threads">Threads the work may use (ORT intra-op threads, or the managed search's).</param>
    /// <returns>The work; dispose it (if disposable) when the model leaves service.</returns>
    /// <exception cref="EdgeTransferException">The graph cannot be opened for the model.</exception>
    public IPatchDistances CreatePatchDistances(AnomalyModel model, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Bundle.TryGetPath(BundleRoles.AnomalyScoring, out var path)
            ? new OrtPatchDistances(Bundle.ReadVerified(BundleRoles.AnomalyScoring), Path.GetFileName(path), model, threads)
            : new ManagedPatchDistances(model, new VectorisedNearestNeighbour(model.Bank, threads));
    }

    /// <summary>Makes a preprocessor for the bundle's input spec (with its mean image, when it has one).</summary>
    /// <returns>A new preprocessor (not thread-safe: one per thread).</returns>
    public ImagePreprocessor CreatePreprocessor() => new(Manifest.Input, _meanImage);

    /// <summary>
    /// Checks that <paramref name="head"/> has exactly the parameter names and shapes of the bundle's head,
    /// so that a head from another bundle is refused before it reaches a running predictor.
    /// </summary>
    /// <param name="head">The head to check.</param>
    /// <param name="name">The head as messages name it (<c>v0003</c>, a file path).</param>
    /// <exception cref="EdgeTransferException">The head does not fit.</exception>
    public void CheckHead(HeadCheckpoint head, string name)
    {
        ArgumentNullException.ThrowIfNull(head);
        var expected = Manifest.Head.Parameters;
        var actual = head.Parameters;
        var same = expected.Count == actual.Count
            && expected.Zip(actual).All(p => p.First.Name == p.Second.Name && p.First.Shape.SequenceEqual(p.Second.Shape));
        if (!same)
        {
            throw new EdgeTransferException(
                $"Head '{name}' does not fit bundle '{BundleId}': it holds {Describe(actual.Select(t => (t.Name, (IReadOnlyList<long>)t.Shape)))}, "
                + $"the bundle's head takes {Describe(expected.Select(p => (p.Name, p.Shape)))}. Use a head trained for this bundle.");
        }
    }

    /// <summary>
    /// Refuses the bundle when its INT8 backbone runs a flavour the platform does not accept
    /// (<see cref="Configuration.BundleOptions.Int8Activations"/>); a float backbone, or null for
    /// <paramref name="accepted"/>, passes.
    /// </summary>
    /// <param name="accepted">The activation types accepted (<c>uint8</c>, <c>int8</c>), or null for any.</param>
    /// <exception cref="BundleException">The INT8 backbone's activation type is not among <paramref name="accepted"/>.</exception>
    public void EnsureInt8FlavourAccepted(IReadOnlyList<string>? accepted)
    {
        if (accepted is null || !IsInt8 || Manifest.Quantization is not { } quantization
            || accepted.Contains(quantization.ActivationType, StringComparer.Ordinal))
        {
            return;
        }

        var flavour = quantization.ActivationType == "int8" ? "S8S8" : "U8S8";
        throw new BundleException(
            Bundle.DisplayName,
            null,
            $"its INT8 backbone has {quantization.ActivationType} activations ({flavour}), and this device's bundle.int8Activations accepts only "
            + $"{string.Join(", ", accepted)}; prepare the bundle with '--activations {accepted[0]}' for this platform.");
    }

    private static string Describe(IEnumerable<(string Name, IReadOnlyList<long> Shape)> tensors) =>
        string.Join(", ", tensors.Select(t => $"{t.Name} [{string.Join(",", t.Shape)}]"));

    private static string ChooseBackbone(Bundle bundle, BackboneChoice choice)
    {
        var hasInt8 = bundle.TryGetPath(BundleRoles.BackboneInt8, out _);
        var hasFloat = bundle.TryGetPath(BundleRoles.Backbone, out _);
        return choice switch
        {
            BackboneChoice.Quantized when hasInt8 => BundleRoles.BackboneInt8,
            BackboneChoice.Quantized => throw new BundleException(bundle.DisplayName, null, "the device is configured to run the INT8 backbone, but the bundle has none; prepare it with '--quantize int8', or configure the float backbone."),
            BackboneChoice.FullPrecision when hasFloat => BundleRoles.Backbone,
            BackboneChoice.FullPrecision => throw new BundleException(bundle.DisplayName, null, "the device is configured to run the float backbone, but the bundle has only the INT8 one; prepare it with the float backbone kept, or configure INT8."),
            _ => hasInt8 ? BundleRoles.BackboneInt8 : BundleRoles.Backbone,
        };
    }
}
