using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Preparation;

/// <summary>Finds the model file and its preprocessing spec from what the user gave (<c>--model</c>, <c>--spec</c>).</summary>
public static class ModelLocator
{
    /// <summary>The spec file name looked for beside a model.</summary>
    public const string SpecFileName = "spec.json";

    /// <summary>Resolves the model and spec.</summary>
    /// <param name="modelPath">A model file, a folder with a model and its spec, or null for the embedded ResNet18.</param>
    /// <param name="specPath">An explicit spec, or null for <c>spec.json</c> beside the model.</param>
    /// <returns>The model file and the loaded spec.</returns>
    /// <exception cref="InvalidSettingException">The folder holds no spec or no single model, or the spec is invalid.</exception>
    /// <exception cref="ModelFormatException">The model file does not exist.</exception>
    public static (string ModelPath, PreprocessingSpec Spec) Resolve(string? modelPath, string? specPath)
    {
        modelPath ??= DefaultModels.ResNet18Directory();
        if (Directory.Exists(modelPath))
        {
            var spec = LoadSpec(specPath ?? Path.Combine(modelPath, SpecFileName), "--model", modelPath);
            var fromSpec = spec.ResolveModelPath();
            if (fromSpec is not null)
            {
                return (fromSpec, spec);
            }

            var models = Directory.GetFiles(modelPath, "*.onnx");
            return models.Length == 1
                ? (models[0], spec)
                : throw new InvalidSettingException("--model", $"folder '{modelPath}' holds {models.Length} .onnx files and its spec names none; set \"model\" in the spec or pass the file.");
        }

        if (!File.Exists(modelPath))
        {
            throw new ModelFormatException(modelPath, "the file does not exist.");
        }

        var besideSpec = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, SpecFileName);
        var specFile = specPath ?? (File.Exists(besideSpec) ? besideSpec : null)
            ?? throw new InvalidSettingException("--spec", $"no preprocessing spec was given and there is no {SpecFileName} beside '{modelPath}'; write one (see models/README.md) and pass --spec.");
        return (modelPath, LoadSpec(specFile, "--spec", specFile));
    }

    private static PreprocessingSpec LoadSpec(string path, string setting, string shownPath)
    {
        if (!File.Exists(path))
        {
            throw new InvalidSettingException(setting, $"no preprocessing spec at '{path}' (for '{shownPath}'); write one (see models/README.md) or pass --spec.");
        }

        return PreprocessingSpec.Load(path);
    }
}
