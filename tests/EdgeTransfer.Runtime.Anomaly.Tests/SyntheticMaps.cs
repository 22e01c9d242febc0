using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Runtime.Anomaly.Tests;

/// <summary>
/// Seeded feature maps that behave like a backbone's on a fixtured part: a fixed pattern per channel and
/// position plus per-image noise; a defect adds a strong local change in a small region of both maps.
/// </summary>
internal static class SyntheticMaps
{
    public static readonly FeatureLayout Small = new(new FeatureMapShape(16, 8, 8), new FeatureMapShape(32, 4, 4));

    public static readonly FeatureLayout ResNet18 = new(new FeatureMapShape(128, 28, 28), new FeatureMapShape(256, 14, 14));

    public static AnomalyFeatures Good(FeatureLayout layout, int image) => Make(layout, image, defectAt: null);

    /// <summary>A part with a defect whose top-left corner is at (<paramref name="row"/>, <paramref name="column"/>) of the stage 2 grid.</summary>
    public static AnomalyFeatures Defect(FeatureLayout layout, int image, int row, int column) => Make(layout, image, (row, column));

    public static AnomalyFeatures Constant(FeatureLayout layout, float stage2, float stage3) => new(
        new FeatureMap(Enumerable.Repeat(stage2, layout.Stage2.Length).ToArray(), layout.Stage2),
        new FeatureMap(Enumerable.Repeat(stage3, layout.Stage3.Length).ToArray(), layout.Stage3));

    public static float[] RandomRows(int rows, int dimensions, ulong seed, float scale = 1f)
    {
        var random = new SplitMix64(seed);
        var values = new float[rows * dimensions];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextGaussian() * scale;
        }

        return values;
    }

    private static AnomalyFeatures Make(FeatureLayout layout, int image, (int Row, int Column)? defectAt)
    {
        return new AnomalyFeatures(
            new FeatureMap(Plane(layout.Stage2, image, 2, defectAt), layout.Stage2),
            new FeatureMap(Plane(layout.Stage3, image, 3, defectAt is { } d ? (d.Row * layout.Stage3.Height / layout.Stage2.Height, d.Column * layout.Stage3.Width / layout.Stage2.Width) : null), layout.Stage3));
    }

    private static float[] Plane(FeatureMapShape shape, int image, int stage, (int Row, int Column)? defectAt)
    {
        var pattern = new SplitMix64((ulong)stage * 7919);
        var noise = new SplitMix64(SplitMix64.Mix((ulong)image + 1, (ulong)stage));
        var values = new float[shape.Length];
        for (var c = 0; c < shape.Channels; c++)
        {
            for (var y = 0; y < shape.Height; y++)
            {
                for (var x = 0; x < shape.Width; x++)
                {
                    var i = (((c * shape.Height) + y) * shape.Width) + x;
                    values[i] = pattern.NextGaussian() + (0.1f * noise.NextGaussian());
                    if (defectAt is { } d && y >= d.Row && y < d.Row + 2 && x >= d.Column && x < d.Column + 2)
                    {
                        values[i] += c % 2 == 0 ? 3f : -3f;
                    }
                }
            }
        }

        return values;
    }
}
