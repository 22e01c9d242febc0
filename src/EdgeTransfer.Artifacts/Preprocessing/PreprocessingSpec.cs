using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeTransfer.Artifacts.Json;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>
/// A human-readable description of an image model's input (<c>spec.json</c>): tensor name and size,
/// channel order, pixel scale, mean and std, resize policy, and where to cut the model for features.
/// One format describes ML.NET's ResNet18 (BGR, 0–255, a mean image) and a PyTorch export (RGB, 0–1,
/// ImageNet mean/std), so a new model is brought in by writing a spec, not code.
/// </summary>
/// <remarks>See <c>models/README.md</c> for the fields and two examples.</remarks>
public sealed record PreprocessingSpec
{
    /// <summary>The schema id every spec of this format carries in its <c>schema</c> key.</summary>
    public const string SchemaId = "edgetransfer.preprocess/v1";

    /// <summary>The largest spec file accepted; a spec is a few hundred bytes.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The schema id (<see cref="SchemaId"/>).</summary>
    public string Schema { get; init; } = SchemaId;

    /// <summary>A short name of the model, used in bundle ids (<c>resnet18</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The model file, relative to the spec's folder, when the spec sits beside its model.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }

    /// <summary>The image input and its preprocessing.</summary>
    public required InputSpec Input { get; init; }

    /// <summary>The tensor at which the backbone is cut (the features), or null for the model's output.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FeatureTensor { get; init; }

    /// <summary>The folder that relative file names of the spec are resolved against.</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Reads and validates the spec at <paramref name="path"/>.</summary>
    /// <param name="path">The spec file.</param>
    /// <exception cref="InvalidSettingException">
    /// The file is missing or not valid; <see cref="InvalidSettingException.Setting"/> names the file and the
    /// key (<c>spec.json: input.height</c>) and the reason says what was expected and what was found.
    /// </exception>
    public static PreprocessingSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new InvalidSettingException(path, "the preprocessing spec does not exist; pass the path of a spec.json (see models/README.md).");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new InvalidSettingException(path, $"is {info.Length} bytes; a preprocessing spec is a small JSON file (at most {MaxFileBytes} bytes).");
            }

            json = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new InvalidSettingException(path, $"the preprocessing spec cannot be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidSettingException(path, $"the preprocessing spec cannot be read: {ex.Message}", ex);
        }

        return Parse(json, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses and validates a spec held in memory.</summary>
    /// <param name="json">The spec text.</param>
    /// <param name="sourceName">The name used in messages (the file name).</param>
    /// <param name="baseDirectory">The folder relative file names are resolved against (default: the current directory).</param>
    /// <exception cref="InvalidSettingException">A key is unknown, missing or has a bad value.</exception>
    public static PreprocessingSpec Parse(string json, string sourceName, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ValidationError error = (path, reason) => new InvalidSettingException($"{sourceName}: {path}", reason);
        using var document = JsonShape.Parse(json, error);
        var root = document.RootElement;

        // The schema decides what the other keys mean, so it is checked before them.
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw error("(file)", "expected a JSON object { … } with the keys of a preprocessing spec.");
        }

        if (!root.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String || schema.GetString() != SchemaId)
        {
            var actual = root.TryGetProperty("schema", out var s) ? s.GetRawText() : "nothing";
            throw error("schema", $"expected \"{SchemaId}\", got {actual}.");
        }

        var spec = JsonShape.Read(root, ArtifactsJsonContext.Default.PreprocessingSpec, error);
        spec.Validate(error);
        return spec with { BaseDirectory = baseDirectory ?? Environment.CurrentDirectory };
    }

    /// <summary>The spec as indented JSON, in the committed format.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ArtifactsJsonContext.Default.PreprocessingSpec);

    /// <summary>The full path of <see cref="Model"/>, or null when the spec names no model.</summary>
    public string? ResolveModelPath() => Model is null ? null : Path.GetFullPath(Path.Combine(BaseDirectory, Model));

    /// <summary>The full path of the model that holds the mean image, or null when the mean is not taken from a model.</summary>
    public string? ResolveMeanImageModelPath() =>
        Input.Mean.Image is { } image ? Path.GetFullPath(Path.Combine(BaseDirectory, image.Model)) : null;

    /// <summary>The full path of a raw mean image file, or null when the spec names none.</summary>
    public string? ResolveMeanImageFilePath() =>
        Input.Mean.ImageFile is { } file ? Path.GetFullPath(Path.Combine(BaseDirectory, file)) : null;

    private void Validate(ValidationError error)
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw error("name", $"expected a short model name such as \"resnet18\" (no slashes), got \"{Name}\".");
        }

        if (Model is not null && string.IsNullOrWhiteSpace(Model))
        {
            throw error("model", "expected the model file name, got an empty text; remove the key if the spec names no model.");
        }

        if (FeatureTensor is not null && string.IsNullOrWhiteSpace(FeatureTensor))
        {
            throw error("featureTensor", "expected a tensor name, got an empty text; remove the key to use the model's output.");
        }

        Input.Validate("input", error, inBundle: false);
    }
}
