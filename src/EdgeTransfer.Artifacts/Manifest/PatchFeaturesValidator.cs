using System.Globalization;
using EdgeTransfer.Artifacts.Json;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>Checks the manifest's <c>patchFeatures</c> section against the format version and the input size.</summary>
internal static class PatchFeaturesValidator
{
    public static void Validate(PatchFeaturesInfo? section, int formatVersion, InputSpec input, string featureTensor, ValidationError error)
    {
        if (section is null)
        {
            return;
        }

        if (formatVersion < 2)
        {
            throw error("patchFeatures", $"needs formatVersion 2 or newer, the manifest says {formatVersion}; prepare the bundle again.");
        }

        if (section.Version != PatchFeaturesInfo.CurrentVersion)
        {
            throw error("patchFeatures.version", $"expected {PatchFeaturesInfo.CurrentVersion}, got {section.Version}. {(section.Version > PatchFeaturesInfo.CurrentVersion ? "Update the device software" : "Prepare the bundle again")}.");
        }

        if (section.Layers.Count is < 1 or > PatchFeaturesInfo.MaxLayers)
        {
            throw error("patchFeatures.layers", $"expected 1 to {PatchFeaturesInfo.MaxLayers} layers, got {section.Layers.Count}; a bundle without patch layers has no patchFeatures section.");
        }

        var outputs = new HashSet<string>(StringComparer.Ordinal) { featureTensor, input.Name };
        for (var i = 0; i < section.Layers.Count; i++)
        {
            ValidateLayer(section.Layers[i], $"patchFeatures.layers[{i}]", input, outputs, error);
        }
    }

    private static void ValidateLayer(PatchLayerInfo layer, string path, InputSpec input, HashSet<string> outputs, ValidationError error)
    {
        if (string.IsNullOrWhiteSpace(layer.Name))
        {
            throw error($"{path}.name", "expected the source tensor's name, got an empty text.");
        }

        if (string.IsNullOrWhiteSpace(layer.Output))
        {
            throw error($"{path}.output", "expected the backbone output's name, got an empty text.");
        }

        if (!outputs.Add(layer.Output))
        {
            throw error($"{path}.output", $"\"{layer.Output}\" is already the input, the features or another patch layer; each layer needs its own output.");
        }

        CheckSize(layer.Channels, 1 << 16, $"{path}.channels", error);
        CheckSize(layer.Height, input.Height, $"{path}.height", error);
        CheckSize(layer.Width, input.Width, $"{path}.width", error);
        if (layer.Stride < 1 || (long)layer.Stride * layer.Height > input.Height || (long)layer.Stride * layer.Width > input.Width)
        {
            throw error($"{path}.stride", string.Create(CultureInfo.InvariantCulture, $"expected input pixels per map cell with stride × {layer.Height}×{layer.Width} within the {input.Height}×{input.Width} input, got {layer.Stride}."));
        }
    }

    private static void CheckSize(int value, int max, string path, ValidationError error)
    {
        if (value < 1 || value > max)
        {
            throw error(path, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from 1 to {max}, got {value}."));
        }
    }
}
