namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// The checks of what a caller hands the store (a schema, a sample's features, frame id and JPEG), so that
/// nothing unusable is ever written: each refusal names the argument and says why.
/// </summary>
internal static class SampleArguments
{
    public const int MaxFrameIdBytes = 200;

    /// <exception cref="ArgumentException">The feature size, the number of classes or a class name cannot be stored.</exception>
    public static void CheckSchema(SampleStoreSchema schema)
    {
        if (schema.FeatureDimension is < 1 or > 1 << 20)
        {
            throw new ArgumentException($"The feature size must be 1 to {1 << 20}; got {schema.FeatureDimension}.", nameof(schema));
        }

        if (schema.Classes is null || schema.Classes.Count is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentException($"A store needs 1 to {ushort.MaxValue} classes; got {schema.Classes?.Count ?? 0}.", nameof(schema));
        }

        if (schema.Classes.Any(string.IsNullOrWhiteSpace) || schema.Classes.Distinct(StringComparer.Ordinal).Count() != schema.Classes.Count)
        {
            throw new ArgumentException($"Class names must be unique and not empty; got [{string.Join(", ", schema.Classes)}].", nameof(schema));
        }
    }

    /// <exception cref="ArgumentException">Not <paramref name="dimension"/> values, or one is NaN or infinite.</exception>
    public static void CheckFeatures(ReadOnlySpan<float> features, int dimension)
    {
        if (features.Length != dimension)
        {
            throw new ArgumentException($"The sample has {features.Length} features; this store holds {dimension} per sample (the bundle's feature size).", nameof(features));
        }

        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"Feature {i} of the sample is {features[i]}; a sample with NaN or infinite features would poison training and is refused.", nameof(features));
            }
        }
    }

    /// <exception cref="ArgumentException">Empty, longer than 200 UTF-8 bytes, or with a control character.</exception>
    public static void CheckFrameId(string frameId)
    {
        ArgumentNullException.ThrowIfNull(frameId);
        if (frameId.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(frameId) > MaxFrameIdBytes || frameId.Any(char.IsControl))
        {
            throw new ArgumentException($"The frame id must be 1 to {MaxFrameIdBytes} UTF-8 bytes without control characters; got \"{frameId}\".", nameof(frameId));
        }
    }

    /// <exception cref="ArgumentException">Larger than <paramref name="maxBytes"/>, or not a JPEG.</exception>
    public static void CheckJpeg(ReadOnlySpan<byte> jpeg, int maxBytes)
    {
        if (jpeg.Length > maxBytes)
        {
            throw new ArgumentException($"The JPEG has {jpeg.Length} bytes, more than the {maxBytes} allowed (SampleStoreOptions.MaxJpegBytes).", nameof(jpeg));
        }

        if (!jpeg.IsEmpty && (jpeg.Length < 3 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF))
        {
            throw new ArgumentException("The audit image does not start with a JPEG marker (FF D8 FF); only JPEG is kept.", nameof(jpeg));
        }
    }
}
