namespace EdgeTransfer.Artifacts.Checkpoints;

/// <summary>A named float32 tensor held in managed memory: a head parameter or an optimizer state.</summary>
public sealed class NamedTensor
{
    /// <summary>Creates a tensor; <paramref name="data"/> is taken as is, not copied.</summary>
    /// <param name="name">The graph input name (<c>head.weight</c>, <c>adam.m.head.weight</c> …).</param>
    /// <param name="shape">The dimensions, row-major.</param>
    /// <param name="data">The values; their count must equal the product of <paramref name="shape"/>.</param>
    public NamedTensor(string name, IReadOnlyList<long> shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(",", shape)}] ({count} values) but {data.Length} values were given.", nameof(data));
        }

        Name = name;
        Shape = [.. shape];
        Data = data;
    }

    /// <summary>The graph input name.</summary>
    public string Name { get; }

    /// <summary>The dimensions, row-major.</summary>
    public long[] Shape { get; }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>A deep copy, so that a caller can keep a snapshot while training goes on.</summary>
    public NamedTensor Clone() => new(Name, Shape, (float[])Data.Clone());
}
