using System.Numerics.Tensors;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The patch embeddings of good parts that new patches are compared with: row-major, one row per patch.</summary>
public sealed class MemoryBank
{
    /// <summary>Wraps <paramref name="rows"/> (not copied) as a bank of rows of <paramref name="dimensions"/> values.</summary>
    /// <param name="rows">The embeddings, row after row.</param>
    /// <param name="dimensions">The length of each embedding.</param>
    /// <exception cref="ArgumentException">The bank is empty, or its length is not a multiple of the dimensions, or holds a non-finite value.</exception>
    public MemoryBank(float[] rows, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (rows.Length == 0 || rows.Length % dimensions != 0)
        {
            throw new ArgumentException($"A memory bank of {dimensions}-value rows needs a positive multiple of {dimensions} values; {rows.Length} were given.", nameof(rows));
        }

        var bad = Array.FindIndex(rows, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException($"Memory bank row {bad / dimensions} holds a value that is not a finite number ({rows[bad]}).", nameof(rows));
        }

        Rows = rows;
        Dimensions = dimensions;
    }

    /// <summary>The embeddings, row after row.</summary>
    public float[] Rows { get; }

    /// <summary>The length of each embedding.</summary>
    public int Dimensions { get; }

    /// <summary>The number of embeddings.</summary>
    public int Count => Rows.Length / Dimensions;

    /// <summary>The bytes the bank takes in memory and in the model file (float32 values).</summary>
    public long Bytes => (long)Rows.Length * sizeof(float);

    /// <summary>A bank of the chosen rows of <paramref name="rows"/>.</summary>
    /// <param name="rows">Row-major embeddings of <paramref name="dimensions"/> values each.</param>
    /// <param name="dimensions">The length of each embedding.</param>
    /// <param name="chosen">The indices of the rows to keep.</param>
    public static MemoryBank FromRows(ReadOnlySpan<float> rows, int dimensions, IReadOnlyList<int> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var kept = new float[chosen.Count * dimensions];
        for (var i = 0; i < chosen.Count; i++)
        {
            rows.Slice(chosen[i] * dimensions, dimensions).CopyTo(kept.AsSpan(i * dimensions));
        }

        return new MemoryBank(kept, dimensions);
    }

    /// <summary>A bank of the <paramref name="chosen"/> rows of half-precision <paramref name="rows"/>, widened to single precision.</summary>
    /// <param name="rows">Row-major embeddings.</param>
    /// <param name="dimensions">The length of each row.</param>
    /// <param name="chosen">The indices of the rows to keep, in bank order.</param>
    public static MemoryBank FromRows(ReadOnlySpan<Half> rows, int dimensions, IReadOnlyList<int> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var kept = new float[chosen.Count * dimensions];
        for (var i = 0; i < chosen.Count; i++)
        {
            TensorPrimitives.ConvertToSingle(rows.Slice(chosen[i] * dimensions, dimensions), kept.AsSpan(i * dimensions, dimensions));
        }

        return new MemoryBank(kept, dimensions);
    }
}
