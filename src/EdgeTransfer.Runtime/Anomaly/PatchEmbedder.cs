using System.Buffers;
using System.Numerics.Tensors;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Turns an image's two feature maps into one embedding per patch of the finer grid, as PatchCore does:
/// each map is averaged over 3×3 neighbourhoods at its own resolution (local context), the coarser map is
/// resampled bilinearly to the finer grid, and the two are concatenated per position (stage 2 channels
/// first), then optionally projected.
/// </summary>
/// <remarks>
/// With a projection the order is turned round: each map's channels are projected first, at the map's own
/// resolution, and the 3×3 average and the resampling run on the projected planes. Both filters are linear
/// and act on each channel alike, so they commute with a projection that mixes channels: the result is the
/// same embedding (up to float rounding), but stage 3 is projected at 14×14 instead of 28×28 and the filters
/// run on 128 planes instead of 384 — less than half the arithmetic, on long contiguous planes.
/// </remarks>
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
        if (Projection is null)
        {
            EmbedFull(features, destination);
        }
        else
        {
            EmbedProjected(features, Projection, destination);
        }
    }

    private void EmbedFull(AnomalyFeatures features, Span<float> destination)
    {
        var raw = Layout.EmbeddingDimensions;
        var s2 = Layout.Stage2;
        var s3 = Layout.Stage3;

        // Work buffers from the pool: a fresh array per frame would churn the heap on a device.
        var smoothed = ArrayPool<float>.Shared.Rent(Math.Max(s2.Positions, s3.Positions));
        var resampled = ArrayPool<float>.Shared.Rent(s2.Positions);
        try
        {
            var stage2 = features.Stage2.Values.Span;
            var stage3 = features.Stage3.Values.Span;
            for (var c = 0; c < s2.Channels; c++)
            {
                GridFilters.BoxMean3x3(stage2.Slice(c * s2.Positions, s2.Positions), s2.Height, s2.Width, smoothed);
                Scatter(smoothed.AsSpan(0, s2.Positions), destination, c, raw);
            }

            for (var c = 0; c < s3.Channels; c++)
            {
                GridFilters.BoxMean3x3(stage3.Slice(c * s3.Positions, s3.Positions), s3.Height, s3.Width, smoothed);
                GridFilters.Bilinear(smoothed.AsSpan(0, s3.Positions), s3.Height, s3.Width, resampled, s2.Height, s2.Width);
                Scatter(resampled.AsSpan(0, s2.Positions), destination, s2.Channels + c, raw);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(smoothed);
            ArrayPool<float>.Shared.Return(resampled);
        }
    }

    private void EmbedProjected(AnomalyFeatures features, RandomProjection projection, Span<float> destination)
    {
        var s2 = Layout.Stage2;
        var s3 = Layout.Stage3;
        var outputs = projection.OutputDimensions;
        var plane2 = ArrayPool<float>.Shared.Rent(outputs * s2.Positions);
        var plane3 = ArrayPool<float>.Shared.Rent(outputs * s3.Positions);
        var smoothed2 = ArrayPool<float>.Shared.Rent(s2.Positions);
        var smoothed3 = ArrayPool<float>.Shared.Rent(s3.Positions);
        var resampled = ArrayPool<float>.Shared.Rent(s2.Positions);
        try
        {
            // Rows 0 … C2−1 of the projection take stage 2's channels, the rest stage 3's (the concatenation order).
            projection.ProjectPlanes(features.Stage2.Values.Span, 0, s2.Channels, s2.Positions, plane2);
            projection.ProjectPlanes(features.Stage3.Values.Span, s2.Channels, s3.Channels, s3.Positions, plane3);
            for (var o = 0; o < outputs; o++)
            {
                var sum = smoothed2.AsSpan(0, s2.Positions);
                GridFilters.BoxMean3x3(plane2.AsSpan(o * s2.Positions, s2.Positions), s2.Height, s2.Width, sum);
                GridFilters.BoxMean3x3(plane3.AsSpan(o * s3.Positions, s3.Positions), s3.Height, s3.Width, smoothed3);
                GridFilters.Bilinear(smoothed3.AsSpan(0, s3.Positions), s3.Height, s3.Width, resampled, s2.Height, s2.Width);
                TensorPrimitives.Add(sum, resampled.AsSpan(0, s2.Positions), sum);
                Scatter(sum, destination, o, outputs);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(plane2);
            ArrayPool<float>.Shared.Return(plane3);
            ArrayPool<float>.Shared.Return(smoothed2);
            ArrayPool<float>.Shared.Return(smoothed3);
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
