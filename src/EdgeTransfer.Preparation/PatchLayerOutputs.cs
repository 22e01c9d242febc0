using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Surgery;

namespace EdgeTransfer.Preparation;

/// <summary>A backbone with its patch layers attached as outputs, and the manifest section that describes them.</summary>
/// <param name="Model">The float backbone to save and to quantize.</param>
/// <param name="Section">The manifest's <c>patchFeatures</c>, or null when there are no patch layers.</param>
public sealed record PatchLayerOutputs(ModelProto Model, PatchFeaturesInfo? Section)
{
    /// <summary>Measures the backbone's feature maps, selects the layers and adds them as outputs.</summary>
    /// <param name="setting">The <c>--patch-layers</c> value (see <see cref="PatchLayerSelection.Select"/>).</param>
    /// <param name="backbone">The prepared float backbone.</param>
    /// <param name="log">Progress lines.</param>
    /// <exception cref="InvalidSettingException">The setting names no feature map, or the default finds none.</exception>
    public static PatchLayerOutputs Attach(string? setting, PreparedBackbone backbone, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(log);
        if (string.Equals(setting?.Trim(), PatchLayerSelection.None, StringComparison.OrdinalIgnoreCase))
        {
            return new PatchLayerOutputs(backbone.Model, null);
        }

        var maps = FeatureMapShapes.Measure(backbone.Model, backbone.InputName, backbone.InputShape);
        var nodeOutputs = backbone.Model.Graph.Node
            .Where(n => n.Name.Length > 0 && n.Output.Count == 1)
            .GroupBy(n => n.Name, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Output[0], StringComparer.Ordinal);
        var layers = PatchLayerSelection.Select(setting, maps, nodeOutputs, (int)backbone.InputShape[1], (int)backbone.InputShape[2]);
        var model = PatchOutputs.Add(backbone.Model, [.. layers.Select(l => new PatchOutput(l.Name, l.Output, l.Channels, l.Height, l.Width))]);
        foreach (var layer in layers)
        {
            log($"patch      {layer.Output} = '{layer.Name}' [N,{layer.Channels},{layer.Height},{layer.Width}], stride {layer.Stride}");
        }

        return new PatchLayerOutputs(model, new PatchFeaturesInfo { Layers = layers });
    }
}
