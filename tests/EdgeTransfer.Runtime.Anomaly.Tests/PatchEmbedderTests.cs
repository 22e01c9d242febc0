namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class PatchEmbedderTests
{
    [Fact]
    public void Embed_ResNet18Maps_Gives784PatchesOf384Values_Or128WithTheProjection()
    {
        var features = SyntheticMaps.Good(SyntheticMaps.ResNet18, 0);

        var full = new PatchEmbedder(SyntheticMaps.ResNet18);
        var projected = new PatchEmbedder(SyntheticMaps.ResNet18, new RandomProjection(384, 128, 7));

        Assert.Equal((784, 384), (full.Patches, full.Dimensions));
        Assert.Equal(784 * 384, full.Embed(features).Length);
        Assert.Equal((784, 128), (projected.Patches, projected.Dimensions));
        Assert.Equal(784 * 128, projected.Embed(features).Length);
    }

    [Fact]
    public void Embed_WithAProjection_EqualsProjectingTheFullEmbedding()
    {
        // The projected path filters after projecting; linearity makes that the same embedding.
        var features = SyntheticMaps.Defect(SyntheticMaps.ResNet18, 3, 2, 5);
        var projection = new RandomProjection(384, 128, 7);
        var full = new PatchEmbedder(SyntheticMaps.ResNet18).Embed(features);
        var expected = new float[784 * 128];
        projection.Project(full, 784, expected);

        var actual = new PatchEmbedder(SyntheticMaps.ResNet18, projection).Embed(features);

        var scale = expected.Max(MathF.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(actual[i] - expected[i]) <= 1e-4f * scale, $"value {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Embed_PutsStage2ChannelsFirst_AveragesTheNeighbourhood_AndCountsOnlyNeighboursInsideAtTheBorder()
    {
        // Stage 2 channel 0 holds its column index; stage 3 channel 1 is constant 5.
        var layout = new FeatureLayout(new FeatureMapShape(2, 4, 4), new FeatureMapShape(2, 2, 2));
        var stage2 = new float[layout.Stage2.Length];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                stage2[(y * 4) + x] = x;
            }
        }

        var stage3 = new float[layout.Stage3.Length];
        stage3.AsSpan(4).Fill(5f);
        var embeddings = new PatchEmbedder(layout).Embed(new AnomalyFeatures(new FeatureMap(stage2, layout.Stage2), new FeatureMap(stage3, layout.Stage3)));

        // Patch (1, 1): mean of columns 0..2 = 1. Patch (0, 0): mean of columns 0..1 only = 0.5 (not 1/3 as zero padding would give).
        Assert.Equal(1f, embeddings[((1 * 4) + 1) * 4], 5);
        Assert.Equal(0.5f, embeddings[0], 5);
        Assert.Equal(3f - 0.5f, embeddings[3 * 4], 5); // patch (0, 3): mean of columns 2..3
        Assert.All(Enumerable.Range(0, 16), p => Assert.Equal(5f, embeddings[(p * 4) + 3], 5)); // stage 3 channel 1 in column 3
    }

    [Fact]
    public void Bilinear_MatchesPyTorchHalfPixelAlignment()
    {
        // interpolate([0, 1], size=4, mode='bilinear', align_corners=False) = [0, 0.25, 0.75, 1]
        var output = new float[4];
        GridFilters.Bilinear([0f, 1f], 1, 2, output, 1, 4);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], output);
    }

    [Fact]
    public void Embed_MapsOfAnotherShape_AreRefusedNamingBothShapes()
    {
        var embedder = new PatchEmbedder(SyntheticMaps.Small);
        var other = SyntheticMaps.Good(new FeatureLayout(new FeatureMapShape(16, 8, 8), new FeatureMapShape(64, 4, 4)), 0);

        var error = Assert.Throws<FeatureLayoutException>(() => embedder.Embed(other));

        Assert.Contains("32×4×4", error.Message, StringComparison.Ordinal);
        Assert.Contains("64×4×4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureMap_WithTheWrongValueCount_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new FeatureMap(new float[10], new FeatureMapShape(2, 2, 2)));
    }

    [Fact]
    public void RandomProjection_IsFixedByItsSeed_AndKeepsDistancesRoughly()
    {
        var a = new RandomProjection(384, 128, 3);
        var b = new RandomProjection(384, 128, 3);
        Assert.Equal(a.Matrix, b.Matrix);

        var rows = SyntheticMaps.RandomRows(2, 384, 11);
        var projected = new float[256];
        a.Project(rows, 2, projected);
        var before = Distance(rows.AsSpan(0, 384), rows.AsSpan(384, 384));
        var after = Distance(projected.AsSpan(0, 128), projected.AsSpan(128, 128));
        Assert.InRange(after / before, 0.75, 1.25);
    }

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        }

        return Math.Sqrt(sum);
    }
}
