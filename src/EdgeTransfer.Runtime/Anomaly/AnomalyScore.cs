namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The anomaly score of one frame and its patch map.</summary>
public sealed class AnomalyScore
{
    internal AnomalyScore(float score, AnomalyThreshold threshold, float[] patchMap, int mapHeight, int mapWidth)
    {
        Score = score;
        Threshold = threshold;
        PatchMap = patchMap;
        MapHeight = mapHeight;
        MapWidth = mapWidth;
    }

    /// <summary>The raw image score: the largest patch distance to the memory bank.</summary>
    public float Score { get; }

    /// <summary>The threshold the score is judged against.</summary>
    public AnomalyThreshold Threshold { get; }

    /// <summary>The score normalised so that 0.5 is the threshold (see <see cref="AnomalyThreshold"/>).</summary>
    public float NormalisedScore => Threshold.Normalise(Score);

    /// <summary>Whether the frame is rejected: its score is above the threshold.</summary>
    public bool IsAnomalous => Threshold.IsAnomalous(Score);

    /// <summary>The distance of each patch to the memory bank, row after row (<see cref="MapHeight"/> × <see cref="MapWidth"/>).</summary>
    public float[] PatchMap { get; }

    /// <summary>The rows of <see cref="PatchMap"/> (the patch grid's height).</summary>
    public int MapHeight { get; }

    /// <summary>The columns of <see cref="PatchMap"/> (the patch grid's width).</summary>
    public int MapWidth { get; }

    /// <summary>
    /// The patch map as bytes for a verdict or a preview overlay: each patch's normalised score × 255, so
    /// 128 is the threshold and anything above it is anomalous.
    /// </summary>
    public byte[] PatchMapBytes()
    {
        var bytes = new byte[PatchMap.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(Threshold.Normalise(PatchMap[i]) * 255f), 0, 255);
        }

        return bytes;
    }
}
