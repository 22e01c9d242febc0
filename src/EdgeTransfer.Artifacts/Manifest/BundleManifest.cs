using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Json;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>
/// The description of a bundle (<c>manifest.json</c>): what it was made from, how images are
/// preprocessed, the classes, the head, the optimizer, the quantization and every file with its sha256.
/// </summary>
/// <remarks>The format is documented in docs/bundle.md. Nothing in a manifest may point outside its bundle.</remarks>
public sealed record BundleManifest
{
    /// <summary>The file name of the manifest inside a bundle.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The format version this library writes (2 added <see cref="PatchFeatures"/>, 3 the packed 4-bit weights of <see cref="BundleRoles.PackedWeights"/>).</summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>The first format version with <see cref="BundleRoles.PackedWeights"/>.</summary>
    public const int PackedWeightsFormatVersion = 3;

    /// <summary>The oldest format version this library still reads (format 1 has no patch features).</summary>
    public const int OldestFormatVersion = 1;

    /// <summary>The largest manifest accepted; a real one is a few kilobytes.</summary>
    public const int MaxFileBytes = 4 << 20;

    /// <summary>The most classes a bundle may have.</summary>
    public const int MaxClasses = 10_000;

    /// <summary>The format version (<see cref="OldestFormatVersion"/> to <see cref="CurrentFormatVersion"/>).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>A unique id: model, class count, UTC time and a random suffix (see <see cref="CreateBundleId"/>).</summary>
    public required string BundleId { get; init; }

    /// <summary>When the bundle was prepared (UTC).</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The pretrained model the bundle was prepared from.</summary>
    public required SourceModelInfo SourceModel { get; init; }

    /// <summary>The image input and its preprocessing; a mean image is a file of the bundle.</summary>
    public required InputSpec Input { get; init; }

    /// <summary>The backbone's feature output.</summary>
    public required FeatureInfo Features { get; init; }

    /// <summary>The class names, in the order of the head's outputs.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The trainable head.</summary>
    public required HeadSpec Head { get; init; }

    /// <summary>The optimizer and its hyper-parameters.</summary>
    public required OptimizerSpec Optimizer { get; init; }

    /// <summary>The training defaults.</summary>
    public required TrainingDefaults Training { get; init; }

    /// <summary>How the INT8 backbone was made, or null when there is none.</summary>
    public QuantizationInfo? Quantization { get; init; }

    /// <summary>The mid-level feature maps the backbone outputs beside the features, or null when it has none.</summary>
    public PatchFeaturesInfo? PatchFeatures { get; init; }

    /// <summary>Every file of the bundle except the manifest; <see cref="Bundles.BundleWriter"/> fills it in.</summary>
    public IReadOnlyList<BundleFile> Files { get; init; } = [];

    /// <summary>The file with <paramref name="role"/>, or null.</summary>
    /// <param name="role">A role from <see cref="BundleRoles"/>.</param>
    public BundleFile? FindFile(string role) => Files.FirstOrDefault(f => f.Role == role);

    /// <summary>Parses and validates a manifest.</summary>
    /// <param name="json">The content of <c>manifest.json</c>.</param>
    /// <param name="bundlePath">The bundle the manifest belongs to, for messages.</param>
    /// <exception cref="BundleException">The JSON, a key or a value is not valid, or the format version is not supported.</exception>
    public static BundleManifest Parse(string json, string bundlePath)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(bundlePath);
        var error = ErrorFor(bundlePath);
        using var document = JsonShape.Parse(json, error);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw error("(file)", "expected a JSON object { … }.");
        }

        // The version decides what the other keys mean: check it before anything else, so that a newer
        // bundle is reported as newer rather than as a list of unknown keys.
        if (!root.TryGetProperty("formatVersion", out var version))
        {
            throw error("formatVersion", $"is missing; expected {OldestFormatVersion} to {CurrentFormatVersion}.");
        }

        // TryGetInt32 throws on anything but a number: check the kind first, so a text or an object is an error, not a crash.
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v))
        {
            throw error("formatVersion", $"expected a whole number from {OldestFormatVersion} to {CurrentFormatVersion}, got {JsonShape.Actual(version)}.");
        }

        if (v is < OldestFormatVersion or > CurrentFormatVersion)
        {
            throw new BundleException(bundlePath, FileName, $"has format version {v}; this software reads versions {OldestFormatVersion} to {CurrentFormatVersion}. {(v > CurrentFormatVersion ? "Update the device software" : "Prepare the bundle again")}.");
        }

        var manifest = JsonShape.Read(root, ArtifactsJsonContext.Default.BundleManifest, error);
        manifest.Validate(error);
        return manifest;
    }

    /// <summary>The manifest as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ArtifactsJsonContext.Default.BundleManifest);

    /// <summary>Checks every field and the consistency between them (classes, head shapes, files, mean image).</summary>
    /// <param name="bundlePath">The bundle the manifest belongs to, for messages.</param>
    /// <exception cref="BundleException">A field is not valid.</exception>
    public void Validate(string bundlePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundlePath);
        Validate(ErrorFor(bundlePath));
    }

    /// <summary>
    /// Checks class names as a user gives them: at least two, none empty or padded with spaces, no
    /// control characters, no two equal (ignoring case, since they become folder names).
    /// </summary>
    /// <param name="classes">The class names.</param>
    /// <param name="setting">The setting they came from, for the message (<c>--classes</c>).</param>
    /// <exception cref="InvalidSettingException">The names cannot be used.</exception>
    public static void ValidateClasses(IReadOnlyList<string> classes, string setting)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentException.ThrowIfNullOrEmpty(setting);
        CheckClasses(classes, setting, (_, reason) => new InvalidSettingException(setting, reason));
    }

    /// <summary>Makes a bundle id: <c>&lt;model&gt;-&lt;C&gt;c-&lt;yyyyMMddTHHmmssZ&gt;-&lt;8 hex&gt;</c>.</summary>
    /// <param name="modelName">The model name (characters other than letters, digits, '.', '_' and '-' become '-').</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="createdAt">The creation time.</param>
    public static string CreateBundleId(string modelName, int classCount, DateTimeOffset createdAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        var model = new StringBuilder();
        foreach (var c in modelName.ToLowerInvariant())
        {
            _ = model.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        var time = createdAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return $"{model}-{classCount}c-{time}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }

    private static ValidationError ErrorFor(string bundlePath) =>
        (path, reason) => new BundleException(bundlePath, FileName, $"is not valid at '{path}': {reason}");

    private void Validate(ValidationError error)
    {
        if (FormatVersion is < OldestFormatVersion or > CurrentFormatVersion)
        {
            throw error("formatVersion", $"expected {OldestFormatVersion} to {CurrentFormatVersion}, got {FormatVersion}.");
        }

        if (string.IsNullOrEmpty(BundleId) || BundleId.Length > 128
            || !BundleId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw error("bundleId", $"expected 1–128 letters, digits, '.', '_' or '-', got \"{BundleId}\".");
        }

        ValidateSource(error);
        Input.Validate("input", error, inBundle: true);
        if (string.IsNullOrWhiteSpace(Features.Tensor))
        {
            throw error("features.tensor", "expected the name of the backbone's feature output, got an empty text.");
        }

        if (Features.Size is < 1 or > (1 << 20))
        {
            throw error("features.size", $"expected a whole number from 1 to {1 << 20}, got {Features.Size}.");
        }

        CheckClasses(Classes, "classes", error);
        ValidateHead(error);
        ValidateOptimizer(error);
        ValidateTraining(error);
        ValidateQuantization(error);
        PatchFeaturesValidator.Validate(PatchFeatures, FormatVersion, Input, Features.Tensor, error);
        ValidateFiles(error);
    }

    private void ValidateSource(ValidationError error)
    {
        if (string.IsNullOrWhiteSpace(SourceModel.File) || SourceModel.File.Contains('/', StringComparison.Ordinal) || SourceModel.File.Contains('\\', StringComparison.Ordinal))
        {
            throw error("sourceModel.file", $"expected a file name without folders, got \"{SourceModel.File}\".");
        }

        if (!Sha256IsValid(SourceModel.Sha256))
        {
            throw error("sourceModel.sha256", $"expected 64 lower-case hex digits, got \"{SourceModel.Sha256}\".");
        }

        if (SourceModel.Opset < 1)
        {
            throw error("sourceModel.opset", $"expected a positive opset, got {SourceModel.Opset}.");
        }
    }

    private static void CheckClasses(IReadOnlyList<string> classes, string path, ValidationError error)
    {
        if (classes.Count < 2)
        {
            throw error(path, $"expected at least 2 class names (a head tells classes apart), got {classes.Count}{(classes.Count == 1 ? $" (\"{classes[0]}\")" : string.Empty)}.");
        }

        if (classes.Count > MaxClasses)
        {
            throw error(path, $"expected at most {MaxClasses} class names, got {classes.Count}.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < classes.Count; i++)
        {
            var name = classes[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw error($"{path}[{i}]", "is empty; every class needs a name.");
            }

            if (name.Trim() != name || name.Any(char.IsControl) || name.Length > 100)
            {
                throw error($"{path}[{i}]", $"expected a name of at most 100 characters without leading or trailing spaces or control characters, got \"{name}\".");
            }

            if (!seen.TryAdd(name, i))
            {
                throw error($"{path}[{i}]", $"\"{name}\" is given twice (also at position {seen[name]}; names are compared ignoring case).");
            }
        }
    }

    private void ValidateHead(ValidationError error)
    {
        switch (Head.Kind)
        {
            case HeadKind.Linear when Head.Hidden != 0:
                throw error("head.hidden", $"expected 0 for a linear head, got {Head.Hidden}.");
            case HeadKind.Mlp when Head.Hidden is < 1 or > 65_536:
                throw error("head.hidden", $"expected the hidden width of the MLP head, from 1 to 65536, got {Head.Hidden}.");
            default:
                break;
        }

        // The parameters are fixed by the graph contract: a mismatch means the graphs and the manifest disagree.
        var expected = HeadSpec.ExpectedParameters(Head.Kind, Head.Hidden, Features.Size, Classes.Count);
        if (Head.Parameters.Count != expected.Count)
        {
            throw error("head.parameters", $"expected {expected.Count} parameters ({string.Join(", ", expected.Select(p => p.Name))}), got {Head.Parameters.Count}.");
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var actual = Head.Parameters[i];
            if (actual.Name != expected[i].Name || !actual.Shape.SequenceEqual(expected[i].Shape))
            {
                throw error($"head.parameters[{i}]", $"expected {expected[i].Name} [{string.Join(",", expected[i].Shape)}] for a {Head.Kind.ToString().ToLowerInvariant()} head with {Features.Size} features and {Classes.Count} classes, got {actual.Name} [{string.Join(",", actual.Shape)}].");
            }
        }
    }

    private void ValidateOptimizer(ValidationError error)
    {
        var o = Optimizer;
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate))
        {
            throw error("optimizer.learningRate", $"expected a positive number, got {o.LearningRate}.");
        }

        if (!(o.WeightDecay >= 0) || !double.IsFinite(o.WeightDecay))
        {
            throw error("optimizer.weightDecay", $"expected 0 or a positive number, got {o.WeightDecay}.");
        }

        if (o.Kind == OptimizerKind.AdamW)
        {
            CheckUnit("optimizer.beta1", o.Beta1, error);
            CheckUnit("optimizer.beta2", o.Beta2, error);
            if (!(o.Epsilon > 0) || !double.IsFinite(o.Epsilon))
            {
                throw error("optimizer.epsilon", $"expected a small positive number such as 1e-8, got {o.Epsilon}.");
            }
        }
        else
        {
            CheckUnit("optimizer.momentum", o.Momentum, error);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.State.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(o.State[i]) || !names.Add(o.State[i]))
            {
                throw error($"optimizer.state[{i}]", $"expected a unique state prefix such as \"adam.m\", got \"{o.State[i]}\".");
            }
        }
    }

    private static void CheckUnit(string path, double value, ValidationError error)
    {
        if (!(value >= 0 && value < 1))
        {
            throw error(path, $"expected a number from 0 up to (not including) 1, got {value}.");
        }
    }

    private void ValidateTraining(ValidationError error)
    {
        CheckUnit("training.labelSmoothing", Training.LabelSmoothing, error);
        if (Training.BatchSize is < 1 or > 65_536)
        {
            throw error("training.batchSize", $"expected a whole number from 1 to 65536, got {Training.BatchSize}.");
        }

        if (Training.Epochs is < 1 or > 100_000)
        {
            throw error("training.epochs", $"expected a whole number from 1 to 100000, got {Training.Epochs}.");
        }
    }

    private void ValidateQuantization(ValidationError error)
    {
        if (Quantization is not { } q)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(q.Method))
        {
            throw error("quantization.method", "expected the quantization method such as \"qdq-static\", got an empty text.");
        }

        if (q.ActivationType is not ("uint8" or "int8"))
        {
            throw error("quantization.activationType", $"expected \"uint8\" or \"int8\", got \"{q.ActivationType}\".");
        }

        if (q.WeightType is not ("uint8" or "int8"))
        {
            throw error("quantization.weightType", $"expected \"uint8\" or \"int8\", got \"{q.WeightType}\".");
        }

        if (q.CalibrationCount < 1)
        {
            throw error("quantization.calibrationCount", $"expected the number of calibration images (at least 1), got {q.CalibrationCount}.");
        }

        if (string.IsNullOrWhiteSpace(q.RangeMethod))
        {
            throw error("quantization.rangeMethod", "expected how ranges were taken, such as \"minmax\", got an empty text.");
        }

        var int4Valid = q.Int4GroupSize >= 0 && (q.Int4Weights == 0
            ? q.Int4Rounding is null && q.Int4GroupSize == 0
            : q.Int4Weights > 0 && q.Int4Rounding is "mse" or "nearest" && FormatVersion >= PackedWeightsFormatVersion);
        if (!int4Valid)
        {
            throw error("quantization.int4Weights", $"expected 0 without int4Rounding, or a positive count with int4Rounding \"mse\" or \"nearest\" (format {PackedWeightsFormatVersion} or newer), got {q.Int4Weights} (group size {q.Int4GroupSize}) and {(q.Int4Rounding is null ? "no int4Rounding" : $"\"{q.Int4Rounding}\"")} in format {FormatVersion}.");
        }

        for (var i = 0; i < q.FloatOps.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(q.FloatOps[i]))
            {
                throw error($"quantization.floatOps[{i}]", "expected an operator type such as \"Softmax\", got an empty text.");
            }
        }
    }

    private void ValidateFiles(ValidationError error)
    {
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var roles = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Files.Count; i++)
        {
            var file = Files[i];
            if (RelativePath.Problem(file.Path) is { } problem)
            {
                throw error($"files[{i}].path", $"expected a path inside the bundle, got \"{file.Path}\": {problem}. A manifest may not point outside its bundle.");
            }

            // Case-insensitive, because the same bundle is copied to Windows devices too.
            if (string.Equals(file.Path, FileName, StringComparison.OrdinalIgnoreCase) || !paths.Add(file.Path))
            {
                throw error($"files[{i}].path", $"\"{file.Path}\" is listed twice (or is the manifest itself).");
            }

            if (!BundleRoles.IsWellFormed(file.Role))
            {
                throw error($"files[{i}].role", $"expected a role such as \"{BundleRoles.Backbone}\" (lower-case letters, digits, dashes), got \"{file.Role}\".");
            }

            if (!roles.Add(file.Role))
            {
                throw error($"files[{i}].role", $"\"{file.Role}\" is given to two files; each role names one file.");
            }

            if (!Sha256IsValid(file.Sha256))
            {
                throw error($"files[{i}].sha256", $"expected 64 lower-case hex digits, got \"{file.Sha256}\".");
            }

            if (file.Bytes < 0)
            {
                throw error($"files[{i}].bytes", $"expected a size in bytes (0 or more), got {file.Bytes}.");
            }
        }

        CheckNoFileInsideFile(error);
        foreach (var role in BundleRoles.Required)
        {
            if (!roles.Contains(role))
            {
                throw error("files", $"lists no file with role \"{role}\"; a bundle needs {string.Join(", ", BundleRoles.Required)} and a backbone.");
            }
        }

        if (!roles.Contains(BundleRoles.Backbone) && !roles.Contains(BundleRoles.BackboneInt8))
        {
            throw error("files", $"lists no file with role \"{BundleRoles.Backbone}\" or \"{BundleRoles.BackboneInt8}\"; a bundle needs a backbone.");
        }

        ValidateMeanImageFile(error);
        if (roles.Contains(BundleRoles.PackedWeights) && (FormatVersion < PackedWeightsFormatVersion || !roles.Contains(BundleRoles.BackboneInt8)))
        {
            throw error("files", $"lists a file with role \"{BundleRoles.PackedWeights}\", which needs formatVersion {PackedWeightsFormatVersion} or newer (this is {FormatVersion}) and a file with role \"{BundleRoles.BackboneInt8}\" to expand into.");
        }
    }

    // "x" and "x/y" cannot both be files: unpacking or copying such a bundle would fail half-way.
    private void CheckNoFileInsideFile(ValidationError error)
    {
        var paths = new HashSet<string>(Files.Select(f => f.Path), StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Files.Count; i++)
        {
            var path = Files[i].Path;
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                var folder = path[..slash];
                if (paths.Contains(folder))
                {
                    throw error($"files[{i}].path", $"\"{path}\" lies inside \"{folder}\", which is a file of the bundle too; a path is either a file or a folder.");
                }
            }
        }
    }

    private void ValidateMeanImageFile(ValidationError error)
    {
        var meanFile = FindFile(BundleRoles.MeanImage);
        if (Input.Mean.ImageFile is not { } imageFile)
        {
            if (meanFile is not null)
            {
                throw error("input.mean", $"gives the mean per channel, yet {meanFile.Path} has role \"{BundleRoles.MeanImage}\"; use imageFile or drop the file.");
            }

            return;
        }

        if (meanFile is null || meanFile.Path != imageFile)
        {
            throw error("input.mean.imageFile", $"names \"{imageFile}\", but the file with role \"{BundleRoles.MeanImage}\" is {(meanFile is null ? "missing" : $"\"{meanFile.Path}\"")}.");
        }

        var expectedBytes = (long)Input.ValuesPerImage * sizeof(float);
        if (meanFile.Bytes != expectedBytes)
        {
            throw error("input.mean.imageFile", $"expected {Input.Channels}×{Input.Height}×{Input.Width} float32 values ({expectedBytes} bytes), but {imageFile} has {meanFile.Bytes} bytes.");
        }
    }

    private static bool Sha256IsValid(string? text) => IO.Sha256.IsDigest(text);
}
