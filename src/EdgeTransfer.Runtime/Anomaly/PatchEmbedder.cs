using System.Buffers;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Turns an image's two feature maps into one embedding per patch of the finer grid, as PatchCore does:
/// each map is averaged over 3×3 neighbourhoods at its own resolution (local context), the coarser map is
/// resampled bilinearly to the finer grid, and the two are concatenated per position (stage 2 channels
/// first), then optionally projected.
/// </summary>
public sealed class PatchEmbedder
{
    /// <summary>Creates the embedder for maps of <paramref name="layout"/>.</summary>
    /// <param name="layout">The shapes of both maps.</param>
    /// <param name="projection">An optional projection; its input must be <see cref="FeatureLayout.EmbeddingDimensions"/>.</param>
    /// <exception cref="ArgumentException">A shape is not positive, or the projection does not fit.</exception>
    public PatchEmbedder(FeatureLayout layout, RandomProjection? projection = null)
    {
        if (!layout.Stage2.IsValid || !layout.Stage3.IsValid)
        {
            throw new ArgumentException($"Feature maps need positive dimensions; got {layout}.", nameof(layout));
        }

        if (projection is not null && projection.InputDimensions != layout.EmbeddingDimensions)
        {
            throw new ArgumentException($"The projection takes {projection.InputDimensions} dimensions but the maps give {layout.EmbeddingDimensions} ({layout}).", nameof(projection));
        }

        Layout = layout;
        Projection = projection;
    }

    /// <summary>The shapes of both maps.</summary>
    public FeatureLayout Layout { get; }

    /// <summary>The projection applied after concatenation, if any.</summary>
    public RandomProjection? Projection { get; }

    /// <summary>The number of patches per image (the finer map's positions).</summary>
    public int Patches => Layout.Patches;

    /// <summary>The length of each embedding this embedder writes.</summary>
    public int Dimensions => Projection?.OutputDimensions ?? Layout.EmbeddingDimensions;

    /// <summary>The embeddings of one image, row-major: <see cref="Patches"/> rows of <see cref="Dimensions"/> values.</summary>
    /// <param name="features">The image's maps.</param>
    /// <exception cref="FeatureLayoutException">The maps do not have this embedder's shapes.</exception>
    public float[] Embed(AnomalyFeatures features)
    {
        var embeddings = new float[Patches * Dimensions];
        Embed(features, embeddings);
        return embeddings;
    }

    /// <summary>Writes the embeddings of one image into <paramref name="destination"/> (row-major, patch by patch).</summary>
    /// <param name="features">The image's maps.</param>
    /// <param name="destination">At least <see cref="Patches"/> × <see cref="Dimensions"/> values.</param>
    /// <exception cref="FeatureLayoutException">The maps do not have this embedder's shapes.</exception>
    public void Embed(AnomalyFeatures features, Span<float> destination)
    {
        if (features.Layout != Layout)
        {
            throw new FeatureLayoutException(Layout, features.Layout);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Patches * Dimensions, nameof(destination));
        var raw = Layout.EmbeddingDimensions;
        var s2 = Layout.Stage2;
        var s3 = Layout.Stage3;

        // Work buffers from the pool: the concatenated embeddings of a frame are over a megabyte, and a
        // fresh large array per frame would churn the large-object heap on a device.
        var pooled = Projection is null ? null : ArrayPool<float>.Shared.Rent(Patches * raw);
        var smoothed = ArrayPool<float>.Shared.Rent(Math.Max(s2.Positions, s3.Positions));
        var resampled = ArrayPool<float>.Shared.Rent(s2.Positions);
        try
        {
            var concatenated = pooled is null ? destination : pooled.AsSpan(0, Patches * raw);
            var stage2 = features.Stage2.Values.Span;
            var stage3 = features.Stage3.Values.Span;
            for (var c = 0; c < s2.Channels; c++)
            {
                GridFilters.BoxMean3x3(stage2.Slice(c * s2.Positions, s2.Positions), s2.Height, s2.Width, smoothed);
                Scatter(smoothed.AsSpan(0, s2.Positions), concatenated, c, raw);
            }

            for (var c = 0; c < s3.Channels; c++)
            {
                GridFilters.BoxMean3x3(stage3.Slice(c * s3.Positions, s3.Positions), s3.Height, s3.Width, smoothed);
                GridFilters.Bilinear(smoothed.AsSpan(0, s3.Positions), s3.Height, s3.Width, resampled, s2.Height, s2.Width);
                Scatter(resampled.AsSpan(0, s2.Positions), concatenated, s2.Channels + c, raw);
            }

            Projection?.Project(concatenated, Patches, destination);
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<float>.Shared.Return(pooled);
            }

            ArrayPool<float>.Shared.Return(smoothed);
            ArrayPool<float>.Shared.Return(resampled);
        }
    }

    // CHW planes become patch-major rows: channel c of every position lands in column c.
    private static void Scatter(ReadOnlySpan<float> plane, Span<float> rows, int column, int rowLength)
    {
        for (var p = 0; p < plane.Length; p++)
        {
            rows[(p * rowLength) + column] = plane[p];
        }
    }
}
