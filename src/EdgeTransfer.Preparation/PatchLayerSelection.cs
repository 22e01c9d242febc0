using System.Globalization;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Preparation;

/// <summary>
/// Chooses the backbone's patch layers (<c>prepare --patch-layers</c>): by default, at strides 8 and 16
/// of the input, the last feature map at that resolution before the next downsampling (for ResNet18 at
/// 224 px: the outputs of stage 2, 128×28×28, and stage 3, 256×14×14); or the tensors the user names.
/// </summary>
public static class PatchLayerSelection
{
    /// <summary>The value of <c>--patch-layers</c> that prepares a bundle without patch layers.</summary>
    public const string None = "none";

    /// <summary>The strides the default picks, in input pixels per map cell.</summary>
    public static readonly IReadOnlyList<int> DefaultStrides = [8, 16];

    private const int SuggestionCount = 5;

    /// <summary>Picks the layers.</summary>
    /// <param name="setting">null or empty for the default, <see cref="None"/>, or comma-separated tensor (or node) names.</param>
    /// <param name="maps">The backbone's feature maps in graph order (<see cref="FeatureMapShapes.Measure"/>).</param>
    /// <param name="nodeOutputs">Node name → its single output, so that a node name copied from a viewer works too.</param>
    /// <param name="inputHeight">The input image's height.</param>
    /// <param name="inputWidth">The input image's width.</param>
    /// <returns>The layers, shallowest first, with their output names (<c>patch_s8</c> …); empty for <see cref="None"/>.</returns>
    /// <exception cref="InvalidSettingException">A name is not a feature map (with close names), is repeated, or the default finds no map at a stride.</exception>
    public static IReadOnlyList<PatchLayerInfo> Select(string? setting, IReadOnlyList<FeatureMap> maps, IReadOnlyDictionary<string, string> nodeOutputs, int inputHeight, int inputWidth)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(nodeOutputs);
        var text = setting?.Trim();
        if (string.Equals(text, None, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var chosen = string.IsNullOrEmpty(text)
            ? Default(maps, inputHeight, inputWidth)
            : Named(text, maps, nodeOutputs);
        var order = maps.Select((m, i) => (m.Tensor, i)).ToDictionary(p => p.Tensor, p => p.i, StringComparer.Ordinal);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        var layers = new List<PatchLayerInfo>();
        foreach (var map in chosen.OrderBy(m => order[m.Tensor]))
        {
            var stride = Math.Max(1, inputHeight / map.Height);
            var output = string.Create(CultureInfo.InvariantCulture, $"patch_s{stride}");
            for (var k = 1; !outputs.Add(output); k++)
            {
                output = string.Create(CultureInfo.InvariantCulture, $"patch_s{stride}_{k}");
            }

            layers.Add(new PatchLayerInfo { Name = map.Tensor, Output = output, Channels = map.Channels, Height = map.Height, Width = map.Width, Stride = stride });
        }

        return layers;
    }

    private static List<FeatureMap> Default(IReadOnlyList<FeatureMap> maps, int inputHeight, int inputWidth)
    {
        var result = new List<FeatureMap>();
        foreach (var stride in DefaultStrides)
        {
            // Graph order is topological, so the last map at a resolution is the one the next stage reads.
            var last = inputHeight % stride == 0 && inputWidth % stride == 0
                ? maps.LastOrDefault(m => m.Height == inputHeight / stride && m.Width == inputWidth / stride)
                : null;
            if (last is null)
            {
                var sizes = string.Join(", ", maps.Select(m => $"{m.Height}×{m.Width}").Distinct());
                throw new InvalidSettingException(
                    "--patch-layers",
                    string.Create(CultureInfo.InvariantCulture, $"the backbone has no feature map at stride {stride} ({inputHeight / stride}×{inputWidth / stride} for a {inputHeight}×{inputWidth} input); its maps are {sizes}. Name the layers with --patch-layers <tensor,tensor> or prepare without them: --patch-layers none."));
            }

            result.Add(last);
        }

        return result;
    }

    private static List<FeatureMap> Named(string text, IReadOnlyList<FeatureMap> maps, IReadOnlyDictionary<string, string> nodeOutputs)
    {
        var byTensor = maps.ToDictionary(m => m.Tensor, StringComparer.Ordinal);
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new List<FeatureMap>();
        foreach (var name in names)
        {
            if (name.Length == 0)
            {
                throw new InvalidSettingException("--patch-layers", $"has an empty name in \"{text}\"; give comma-separated tensor names, or \"none\".");
            }

            var tensor = byTensor.ContainsKey(name) ? name : nodeOutputs.GetValueOrDefault(name) ?? name;
            if (!byTensor.TryGetValue(tensor, out var map))
            {
                var close = NameSuggestions.Closest(byTensor.Keys.Concat(nodeOutputs.Where(kv => byTensor.ContainsKey(kv.Value)).Select(kv => kv.Key)), name, SuggestionCount);
                var hint = close.Count > 0 ? $" Did you mean {string.Join(", ", close.Select(s => $"'{s}'"))}?" : string.Empty;
                throw new InvalidSettingException("--patch-layers", $"'{name}' is not a feature map [N,C,H,W] of the backbone.{hint}");
            }

            if (result.Contains(map))
            {
                throw new InvalidSettingException("--patch-layers", $"names '{name}' twice.");
            }

            if (result.Count == PatchFeaturesInfo.MaxLayers)
            {
                throw new InvalidSettingException("--patch-layers", $"names more than {PatchFeaturesInfo.MaxLayers} layers.");
            }

            result.Add(map);
        }

        return result;
    }
}
