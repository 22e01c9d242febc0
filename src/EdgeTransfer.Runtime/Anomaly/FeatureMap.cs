namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>One feature map of one image: float values in CHW layout and their shape.</summary>
public readonly struct FeatureMap
{
    /// <summary>Wraps <paramref name="values"/> (not copied) as a map of <paramref name="shape"/>.</summary>
    /// <param name="values">The values, channel after channel, each channel row after row.</param>
    /// <param name="shape">The dimensions.</param>
    /// <exception cref="ArgumentException">The shape is not positive, or the value count does not match it.</exception>
    public FeatureMap(ReadOnlyMemory<float> values, FeatureMapShape shape)
    {
        if (!shape.IsValid)
        {
            throw new ArgumentException($"A feature map needs positive dimensions; got {shape}.", nameof(shape));
        }

        if (values.Length != shape.Length)
        {
            throw new ArgumentException($"A feature map of {shape} has {shape.Length} values; {values.Length} were given.", nameof(values));
        }

        Values = values;
        Shape = shape;
    }

    /// <summary>The values in CHW layout.</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>The dimensions.</summary>
    public FeatureMapShape Shape { get; }
}
