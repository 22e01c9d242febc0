using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Reads and writes anomaly models (<c>.etam</c>). The container is the SDK's checkpoint format (magic,
/// version, JSON header, float32 tensors, SHA-256 trailer, atomic write), so truncation and tampering are
/// caught by the same verified code as for heads; the anomaly model's own format and version are in the
/// header's metadata.
/// </summary>
/// <remarks>
/// Tensors: <c>bank</c> [rows, dimensions], when the model projects <c>projection</c> [input, output], and when
/// it scales distances by position (format 2) <c>positionScale</c> [patches]. Format 1 files (no position scale)
/// are still read and score as they did; files of a newer format are refused with their version.
/// Metadata: <c>format</c> = <c>etam</c>, <c>formatVersion</c>, <c>stage2</c> and <c>stage3</c> shapes
/// (<c>C,H,W</c>), the threshold, its target false-reject rate and held-out count, then the model's own
/// metadata under <c>meta.</c> keys.
/// </remarks>
public static class AnomalyModelFile
{
    /// <summary>The file extension of anomaly models.</summary>
    public const string Extension = ".etam";

    /// <summary>The anomaly model format version this library writes (2: the position scale); it reads 1 and 2.</summary>
    public const int FormatVersion = 2;

    /// <summary>The oldest format version this library reads.</summary>
    public const int OldestFormatVersion = 1;

    /// <summary>The largest file accepted: well above a device bank (16 MB), far below what would exhaust a device.</summary>
    public const long MaxFileBytes = 256L << 20;

    private const string FormatName = "etam";
    private const string MetaPrefix = "meta.";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (temporary file, fsync, rename).</summary>
    /// <param name="path">The target file; an existing file is replaced only once the new one is complete.</param>
    /// <param name="model">The model.</param>
    public static void Write(string path, AnomalyModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new List<NamedTensor> { new("bank", [model.Bank.Count, model.Bank.Dimensions], model.Bank.Rows) };
        if (model.Projection is { } projection)
        {
            tensors.Add(new NamedTensor("projection", [projection.InputDimensions, projection.OutputDimensions], projection.Matrix));
        }

        if (model.Threshold.PositionScale is { } scale)
        {
            tensors.Add(new NamedTensor("positionScale", [scale.Length], scale));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["formatVersion"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["stage2"] = Shape(model.Layout.Stage2),
            ["stage3"] = Shape(model.Layout.Stage3),
            ["threshold"] = model.Threshold.Value.ToString("R", CultureInfo.InvariantCulture),
            ["targetFalseRejectRate"] = model.Threshold.TargetFalseRejectRate.ToString("R", CultureInfo.InvariantCulture),
            ["heldOutSamples"] = model.Threshold.HeldOutSamples.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in model.Metadata)
        {
            metadata[MetaPrefix + key] = value;
        }

        CheckpointFile.Write(path, new HeadCheckpoint(tensors, metadata: metadata));
    }

    /// <summary>Reads and verifies the anomaly model at <paramref name="path"/>.</summary>
    /// <param name="path">The model file.</param>
    /// <exception cref="AnomalyModelException">The file is missing, too large, truncated, changed, of another format or version, or inconsistent.</exception>
    public static AnomalyModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new AnomalyModelException(path, "the file does not exist.");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new AnomalyModelException(path, $"it has {info.Length} bytes, more than the {MaxFileBytes} an anomaly model may have.");
        }

        HeadCheckpoint container;
        try
        {
            container = CheckpointFile.Read(path);
        }
        catch (CheckpointException ex)
        {
            throw new AnomalyModelException(path, ex.Reason, ex);
        }

        return Decode(container, path);
    }

    private static AnomalyModel Decode(HeadCheckpoint container, string path)
    {
        var meta = container.Metadata;
        if (!meta.TryGetValue("format", out var format) || format != FormatName)
        {
            throw new AnomalyModelException(path, $"it is an EdgeTransfer checkpoint but not an anomaly model (format \"{format ?? "none"}\", expected \"{FormatName}\").");
        }

        var version = Integer(meta, "formatVersion", path);
        if (version is < OldestFormatVersion or > FormatVersion)
        {
            throw new AnomalyModelException(path, $"it has anomaly model format version {version}; this software reads versions {OldestFormatVersion} to {FormatVersion}. Update the device software, or fit the model again.");
        }

        var layout = new FeatureLayout(ReadShape(meta, "stage2", path), ReadShape(meta, "stage3", path));
        var bankTensor = container.Parameters.FirstOrDefault(t => t.Name == "bank")
            ?? throw new AnomalyModelException(path, "it has no 'bank' tensor.");
        var projectionTensor = container.Parameters.FirstOrDefault(t => t.Name == "projection");
        var threshold = new AnomalyThreshold(
            Single(meta, "threshold", path),
            Number(meta, "targetFalseRejectRate", path),
            Integer(meta, "heldOutSamples", path))
        {
            PositionScale = ReadPositionScale(container, layout, version, path),
        };
        var metadata = meta.Where(kv => kv.Key.StartsWith(MetaPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[MetaPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        try
        {
            if (bankTensor.Shape is not [_, >= 1 and <= int.MaxValue])
            {
                throw new AnomalyModelException(path, $"its content is inconsistent: the bank has shape [{string.Join(",", bankTensor.Shape)}], expected [rows, dimensions] with 1 to {int.MaxValue} dimensions.");
            }

            RandomProjection? projection = null;
            if (projectionTensor is not null)
            {
                if (projectionTensor.Shape is not [>= 1 and <= int.MaxValue, >= 1 and <= int.MaxValue])
                {
                    throw new AnomalyModelException(path, $"its content is inconsistent: the projection has shape [{string.Join(",", projectionTensor.Shape)}], expected [input, output] of 1 to {int.MaxValue} each.");
                }

                projection = new RandomProjection((int)projectionTensor.Shape[0], (int)projectionTensor.Shape[1], projectionTensor.Data);
            }

            var bank = new MemoryBank(bankTensor.Data, (int)bankTensor.Shape[1]);
            return new AnomalyModel(layout, projection, bank, threshold, metadata);
        }
        catch (ArgumentException ex)
        {
            throw new AnomalyModelException(path, $"its content is inconsistent: {WithoutParameter(ex)}", ex);
        }
    }

    private static float[]? ReadPositionScale(HeadCheckpoint container, FeatureLayout layout, int version, string path)
    {
        var tensor = container.Parameters.FirstOrDefault(t => t.Name == "positionScale");
        if (tensor is null)
        {
            return null;
        }

        if (version < 2)
        {
            throw new AnomalyModelException(path, "its content is inconsistent: a format 1 model has no 'positionScale' tensor.");
        }

        if (tensor.Shape is not [var length] || length != layout.Patches)
        {
            throw new AnomalyModelException(path, $"its content is inconsistent: the position scale has shape [{string.Join(",", tensor.Shape)}], expected [{layout.Patches}] (one value per patch of {layout.Stage2.Height}×{layout.Stage2.Width}).");
        }

        var bad = Array.FindIndex(tensor.Data, v => !(v > 0) || !float.IsFinite(v));
        return bad < 0
            ? tensor.Data
            : throw new AnomalyModelException(path, $"its content is inconsistent: position scale value {bad} is {tensor.Data[bad]}, expected a positive finite number.");
    }

    // The parts' own checks say what does not fit in a sentence; the " (Parameter 'bank')" the runtime appends
    // names a C# argument, which means nothing to whoever holds the file.
    private static string WithoutParameter(ArgumentException ex) =>
        ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;

    private static string Shape(FeatureMapShape shape) => string.Create(CultureInfo.InvariantCulture, $"{shape.Channels},{shape.Height},{shape.Width}");

    private static FeatureMapShape ReadShape(IReadOnlyDictionary<string, string> meta, string key, string path)
    {
        var parts = Text(meta, key, path).Split(',');
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && new FeatureMapShape(c, h, w) is { IsValid: true } shape)
        {
            return shape;
        }

        throw new AnomalyModelException(path, $"its '{key}' shape \"{meta[key]}\" is not three positive integers C,H,W.");
    }

    private static string Text(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out var value) ? value : throw new AnomalyModelException(path, $"its header has no '{key}'.");

    private static int Integer(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        int.TryParse(Text(meta, key, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new AnomalyModelException(path, $"its '{key}' (\"{meta[key]}\") is not a whole number of 0 or more.");

    private static double Number(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        double.TryParse(Text(meta, key, path), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new AnomalyModelException(path, $"its '{key}' (\"{meta[key]}\") is not a finite number.");

    private static float Single(IReadOnlyDictionary<string, string> meta, string key, string path) => (float)Number(meta, key, path);
}
