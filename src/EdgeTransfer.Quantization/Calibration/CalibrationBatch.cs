namespace EdgeTransfer.Quantization.Calibration;

/// <summary>
/// One batch of preprocessed model inputs, float32 in row-major order with the batch first
/// (for an image model [N, C, H, W], exactly what the float model's input takes).
/// </summary>
public sealed class CalibrationBatch
{
    /// <summary>Wraps <paramref name="data"/> (not copied: do not change it while calibration runs).</summary>
    /// <param name="data">The values; their count must be the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The shape, batch first; every dimension positive.</param>
    /// <exception cref="ArgumentException">The shape is empty, has a dimension below 1, or does not match the data.</exception>
    public CalibrationBatch(float[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d < 1))
        {
            throw new ArgumentException($"A calibration batch needs a shape with the batch first and every dimension at least 1; got [{string.Join(",", shape)}].", nameof(shape));
        }

        long count = 1;
        foreach (var d in shape)
        {
            count = checked(count * d);
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"A calibration batch of shape [{string.Join(",", shape)}] needs {count} values, but {data.Length} were given.", nameof(data));
        }

        Data = data;
        Shape = shape;
    }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The shape, batch first.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The number of samples (images) in the batch: the first dimension.</summary>
    public int Count => (int)Shape[0];
}
