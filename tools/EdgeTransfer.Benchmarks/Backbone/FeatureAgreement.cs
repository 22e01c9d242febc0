namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>How close the int8 backbone's features are to the float backbone's, image by image.</summary>
/// <param name="Images">The test images compared.</param>
/// <param name="MeanCosine">The mean cosine similarity.</param>
/// <param name="MinCosine">The lowest cosine similarity of any image.</param>
public sealed record FeatureAgreement(int Images, double MeanCosine, double MinCosine)
{
    /// <summary>The cosine similarity of two vectors (1 when both are zero), accumulated in double.</summary>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, as long as the first.</param>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {b.Length} values have no cosine.", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        if (na == 0 && nb == 0)
        {
            return 1;
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
