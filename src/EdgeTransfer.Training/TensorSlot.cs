using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Training;

/// <summary>
/// A parameter or optimizer-state tensor held as two native ORT buffers: the graph reads one and writes
/// the other, then they swap, so no step allocates. A managed copy keeps the start of a run for rollback.
/// </summary>
internal sealed class TensorSlot : IDisposable
{
    public TensorSlot(string name, long[] shape, ReadOnlySpan<float> initial)
    {
        Name = name;
        Shape = shape;
        Buffers = [Allocate(shape), Allocate(shape)];
        Snapshot = new float[initial.Length];
        initial.CopyTo(Buffers[0].GetTensorMutableDataAsSpan<float>());
    }

    public string Name { get; }

    public long[] Shape { get; }

    public OrtValue[] Buffers { get; }

    public float[] Snapshot { get; }

    /// <summary>The values of the best epoch so far (early stopping); allocated on first use.</summary>
    public float[]? Best { get; private set; }

    public static OrtValue Allocate(long[] shape) =>
        OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);

    public Span<float> Values(int side) => Buffers[side].GetTensorMutableDataAsSpan<float>();

    public void Save(int side) => Values(side).CopyTo(Snapshot);

    public void Restore(int side) => Snapshot.CopyTo(Values(side));

    public void SaveBest(int side) => Values(side).CopyTo(Best ??= new float[Snapshot.Length]);

    public void RestoreBest(int side) => Best!.CopyTo(Values(side));

    public bool IsFinite(int side)
    {
        foreach (var v in Values(side))
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        Buffers[0].Dispose();
        Buffers[1].Dispose();
    }
}
