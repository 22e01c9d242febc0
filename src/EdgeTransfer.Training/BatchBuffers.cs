using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Training;

/// <summary>The native input buffers of one batch size: features [n,D], labels [n], sample weights [n].</summary>
internal sealed class BatchBuffers : IDisposable
{
    public BatchBuffers(int size, int featureSize)
    {
        Size = size;
        OrtValue? features = null, labels = null;
        try
        {
            features = TensorSlot.Allocate([size, featureSize]);
            labels = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, [size]);
            SampleWeights = TensorSlot.Allocate([size]);
        }
        catch
        {
            features?.Dispose();
            labels?.Dispose();
            throw;
        }

        Features = features;
        Labels = labels;
    }

    public int Size { get; }

    public OrtValue Features { get; }

    public OrtValue Labels { get; }

    public OrtValue SampleWeights { get; }

    /// <summary>Copies rows <paramref name="order"/>[start..start+Size) of <paramref name="data"/> into the buffers.</summary>
    public void Fill(FeatureSet data, int[] order, int start)
    {
        var features = Features.GetTensorMutableDataAsSpan<float>();
        var labels = Labels.GetTensorMutableDataAsSpan<long>();
        var weights = SampleWeights.GetTensorMutableDataAsSpan<float>();
        var allLabels = data.Labels.Span;
        var allWeights = data.SampleWeights is { } w ? w.Span : default;
        var d = data.FeatureSize;
        for (var i = 0; i < Size; i++)
        {
            var row = order[start + i];
            data.Row(row).CopyTo(features.Slice(i * d, d));
            labels[i] = allLabels[row];
            weights[i] = allWeights.IsEmpty ? 1f : allWeights[row];
        }
    }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
        SampleWeights.Dispose();
    }
}
