namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Turns a patch map into a map at image resolution as PatchCore shows it: bilinear upsampling, then a
/// Gaussian blur of σ = 4 pixels at 224 px (scaled with the output width), which removes the patch grid.
/// </summary>
public static class AnomalyMapRenderer
{
    /// <summary>PatchCore's blur at 224 px.</summary>
    public const float SigmaAt224 = 4f;

    /// <summary>The map of <paramref name="score"/> at <paramref name="height"/> × <paramref name="width"/>, row after row.</summary>
    /// <param name="score">A frame's score with its patch map.</param>
    /// <param name="height">The output height (the model input's height, for masks).</param>
    /// <param name="width">The output width.</param>
    public static float[] Render(AnomalyScore score, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(score);
        return Render(score.PatchMap, score.MapHeight, score.MapWidth, height, width);
    }

    /// <summary>Upsamples and blurs a patch map (row after row) to <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <param name="patchMap">The patch map.</param>
    /// <param name="mapHeight">The patch map's rows.</param>
    /// <param name="mapWidth">The patch map's columns.</param>
    /// <param name="height">The output height.</param>
    /// <param name="width">The output width.</param>
    public static float[] Render(ReadOnlySpan<float> patchMap, int mapHeight, int mapWidth, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mapHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(mapWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (patchMap.Length != mapHeight * mapWidth)
        {
            throw new ArgumentException($"A {mapHeight}×{mapWidth} map has {mapHeight * mapWidth} values; {patchMap.Length} were given.", nameof(patchMap));
        }

        var image = new float[height * width];
        GridFilters.Bilinear(patchMap, mapHeight, mapWidth, image, height, width);
        GridFilters.GaussianBlur(image, height, width, SigmaAt224 * width / 224f);
        return image;
    }
}
