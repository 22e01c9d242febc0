namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Sets a model's position scale (<see cref="AnomalyThreshold.PositionScale"/>) from the held-out good parts'
/// patch distances, and scores those same parts without letting each one see its own distances.
/// </summary>
internal static class PositionScaleCalibrator
{
    /// <summary>
    /// Fewest held-out parts for a scale: one part leaves nothing to score it against, and with two each is scored
    /// against the other alone, a scale too noisy to beat raw distances (a refit on the same 12 parts lost 0.25 AUROC).
    /// </summary>
    public const int MinSamples = 3;

    // A position where every held-out part matched the bank almost exactly would divide by nearly zero and turn
    // noise into a reject; no position may count as more than 10 times "tighter" than the average one.
    private const float FloorShare = 0.1f;

    /// <summary>
    /// Prior weight for a scale measured on few parts (a fit that scores each part against the others): with 4 parts,
    /// positions where all happened to match closely got a scale so small that any new variation there was a reject
    /// (Fashion-MNIST, 4 parts per class: 22.6 % false rejects on average, two classes at 100 %; 0.6 % with the prior).
    /// </summary>
    public const double FewPartsPrior = 4;

    /// <summary>The mean distance at each position over <paramref name="maps"/>, floored at a share of its average.</summary>
    /// <param name="maps">The held-out parts' patch distances (at least <see cref="MinSamples"/>, all of one length).</param>
    /// <param name="prior">Pulls each position's mean towards the average over positions as if this many more parts had the average distance; 0 = the plain mean.</param>
    public static float[] Scale(IReadOnlyList<float[]> maps, double prior = 0)
    {
        var sum = Sum(maps);
        var n = maps.Count;
        var scale = new float[sum.Length];
        Shrunk(sum, n, prior, scale);
        Floor(scale);
        return scale;
    }

    /// <summary>
    /// The image score of each held-out part with the scale of the other held-out parts (leave one out): the
    /// threshold is set on these, and a part scored against a scale that includes its own distances would look
    /// more normal than a new part does, so the threshold would reject more good parts than its target.
    /// </summary>
    /// <param name="maps">The held-out parts' patch distances (at least <see cref="MinSamples"/>).</param>
    /// <param name="prior">As for <see cref="Scale"/>.</param>
    public static float[] LeaveOneOutScores(IReadOnlyList<float[]> maps, double prior = 0)
    {
        var sum = Sum(maps);
        var n = maps.Count;
        var scores = new float[n];
        var scale = new float[sum.Length];
        var others = new double[sum.Length];
        for (var i = 0; i < n; i++)
        {
            var map = maps[i];
            for (var p = 0; p < others.Length; p++)
            {
                others[p] = sum[p] - map[p];
            }

            Shrunk(others, n - 1, prior, scale);
            Floor(scale);
            var scaled = (float[])map.Clone();
            scores[i] = AnomalyScorer.ImageScore(scaled, scale);
        }

        return scores;
    }

    // The mean at each position, pulled towards the average over positions as if `prior` more parts had had the average
    // distance everywhere (0: the plain mean).
    private static void Shrunk(double[] sum, int n, double prior, float[] scale)
    {
        var average = sum.Average() / n;
        for (var p = 0; p < scale.Length; p++)
        {
            scale[p] = (float)((sum[p] + (prior * average)) / (n + prior));
        }
    }

    private static double[] Sum(IReadOnlyList<float[]> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentOutOfRangeException.ThrowIfLessThan(maps.Count, MinSamples);
        var sum = new double[maps[0].Length];
        foreach (var map in maps)
        {
            for (var p = 0; p < sum.Length; p++)
            {
                sum[p] += map[p];
            }
        }

        return sum;
    }

    private static void Floor(float[] scale)
    {
        var floor = MathF.Max(FloorShare * scale.Average(), float.Epsilon);
        for (var p = 0; p < scale.Length; p++)
        {
            scale[p] = MathF.Max(scale[p], floor);
        }
    }
}
