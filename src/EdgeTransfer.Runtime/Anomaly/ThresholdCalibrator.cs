namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Chooses the threshold from the scores of held-out good parts alone, for a target false-reject rate.
/// </summary>
/// <remarks>
/// With enough held-out scores (n ≥ 1/α − 1) the threshold is the ⌈(1 − α)(n + 1)⌉-th smallest of them
/// (the split-conformal quantile): for a new good part drawn like the held-out ones,
/// P(score &gt; threshold) ≤ α whatever the score distribution. With fewer, that rank does not exist and the
/// highest of a few scores is below the true (1 − α) quantile more often than not, so the threshold is
/// the one-sided normal prediction bound mean + t(1 − α, n − 1) · s · √(1 + 1/n) (never below the highest
/// score). With a single score there is no spread to measure: it is that score × (1 + <see cref="SingleSampleMargin"/>).
/// </remarks>
public static class ThresholdCalibrator
{
    /// <summary>The margin above the only held-out score when there is one, as a share of it.</summary>
    public const float SingleSampleMargin = 0.25f;

    /// <summary>The threshold for <paramref name="targetFalseRejectRate"/> from held-out good scores.</summary>
    /// <param name="goodScores">Raw scores of held-out good parts (never used to build the memory bank).</param>
    /// <param name="targetFalseRejectRate">The target share of good parts rejected, in (0, 0.5].</param>
    /// <exception cref="ArgumentException">No scores, a non-finite score, or a rate out of range.</exception>
    public static AnomalyThreshold Calibrate(ReadOnlySpan<float> goodScores, double targetFalseRejectRate)
    {
        if (goodScores.IsEmpty)
        {
            throw new ArgumentException("A threshold needs the scores of at least one held-out good sample.", nameof(goodScores));
        }

        if (!(targetFalseRejectRate > 0 && targetFalseRejectRate <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(targetFalseRejectRate), targetFalseRejectRate, "The target false-reject rate must be above 0 and at most 0.5.");
        }

        var sorted = goodScores.ToArray();
        if (Array.Exists(sorted, s => !float.IsFinite(s)))
        {
            throw new ArgumentException("A held-out score is not a finite number.", nameof(goodScores));
        }

        Array.Sort(sorted);
        var n = sorted.Length;
        var rank = (long)Math.Ceiling((1 - targetFalseRejectRate) * (n + 1));
        float value;
        if (rank <= n)
        {
            value = sorted[rank - 1];
        }
        else if (n == 1)
        {
            value = sorted[0] * (1 + SingleSampleMargin);
        }
        else
        {
            value = MathF.Max(sorted[^1], (float)PredictionBound(sorted, targetFalseRejectRate));
        }

        // A zero threshold would reject every part with any difference at all and break the normalisation.
        value = MathF.Max(value, float.Epsilon * 1e6f);
        return new AnomalyThreshold(value, targetFalseRejectRate, n);
    }

    private static double PredictionBound(float[] scores, double alpha)
    {
        var n = scores.Length;
        var mean = scores.Average(s => (double)s);
        var variance = scores.Sum(s => (s - mean) * (s - mean)) / (n - 1);
        return mean + (StudentQuantile(1 - alpha, n - 1) * Math.Sqrt(variance * (1 + (1.0 / n))));
    }

    /// <summary>The Student t quantile by the Cornish–Fisher expansion around the normal one (within 0.5 % for ν ≥ 5, 2 % at ν = 3, 7 % low at ν = 2).</summary>
    internal static double StudentQuantile(double p, int degreesOfFreedom)
    {
        var z = NormalQuantile(p);
        double v = degreesOfFreedom, z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2;
        return z + ((z3 + z) / (4 * v))
            + (((5 * z5) + (16 * z3) + (3 * z)) / (96 * v * v))
            + (((3 * z7) + (19 * z5) + (17 * z3) - (15 * z)) / (384 * v * v * v));
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    internal static double NormalQuantile(double p)
    {
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Polynomial(c, q) / ((Polynomial(d, q) * q) + 1);
        }

        if (p > 1 - low)
        {
            return -NormalQuantile(1 - p);
        }

        var r = p - 0.5;
        var s = r * r;
        return Polynomial(a, s) * r / ((Polynomial(b, s) * s) + 1);
    }

    // Horner's rule, highest coefficient first.
    private static double Polynomial(ReadOnlySpan<double> coefficients, double x)
    {
        var sum = 0.0;
        foreach (var coefficient in coefficients)
        {
            sum = (sum * x) + coefficient;
        }

        return sum;
    }
}
