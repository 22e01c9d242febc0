using System.Globalization;
using EdgeTransfer.Artifacts.Manifest;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Runtime.Features;

/// <summary>Checks that a backbone graph has the patch outputs its manifest describes, before anything is bound.</summary>
internal static class PatchOutputCheck
{
    public static void Check(InferenceSession session, string modelName, IReadOnlyList<PatchLayerInfo> layers)
    {
        foreach (var layer in layers)
        {
            var expected = new long[] { layer.Channels, layer.Height, layer.Width };
            if (!session.OutputMetadata.TryGetValue(layer.Output, out var output)
                || output.ElementDataType != TensorElementType.Float
                || output.Dimensions.Length != 4
                || Enumerable.Range(1, 3).Any(i => output.Dimensions[i] > 0 && output.Dimensions[i] != expected[i - 1]))
            {
                throw new ModelFormatException(modelName, string.Create(CultureInfo.InvariantCulture, $"it has no float patch output '{layer.Output}' [N,{layer.Channels},{layer.Height},{layer.Width}] (outputs: {string.Join(", ", session.OutputMetadata.Keys)}); the manifest and the model do not match: prepare the bundle again."));
            }
        }
    }
}
