using EdgeTransfer.Artifacts.Manifest;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Runtime.Features;

/// <summary>One pinned [N,C,H,W] buffer per patch layer, bound as an output of a backbone binding.</summary>
internal sealed class PatchBuffers : IDisposable
{
    private readonly float[][] _maps;
    private readonly int[] _perImage;
    private readonly OrtValue[] _values;

    public PatchBuffers(OrtIoBinding binding, IReadOnlyList<PatchLayerInfo> layers, int batchSize)
    {
        _maps = new float[layers.Count][];
        _perImage = new int[layers.Count];
        _values = new OrtValue[layers.Count];
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                _perImage[i] = checked(layer.Channels * layer.Height * layer.Width);

                // Pinned for the same reason as the feature buffer: ORT keeps the address for the binding's life.
                _maps[i] = GC.AllocateArray<float>(checked(batchSize * _perImage[i]), pinned: true);
                _values[i] = OrtValue.CreateTensorValueFromMemory(_maps[i], [batchSize, layer.Channels, layer.Height, layer.Width]);
                binding.BindOutput(layer.Output, _values[i]);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ReadOnlySpan<float> Map(int layer, int image)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _maps.Length);
        return _maps[layer].AsSpan(image * _perImage[layer], _perImage[layer]);
    }

    public void Dispose()
    {
        foreach (var value in _values)
        {
            value?.Dispose();
        }
    }
}
