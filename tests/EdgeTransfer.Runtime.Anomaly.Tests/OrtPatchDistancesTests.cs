using EdgeTransfer.Onnx.Anomaly;
using Google.Protobuf;

namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class OrtPatchDistancesTests
{
    private static readonly byte[] Graph = AnomalyScoringGraph.Build().ToByteArray();

    [Theory]
    [InlineData(16, 1)]
    [InlineData(0, 2)]
    public void Compute_GivesTheManagedEmbeddingAndSearchDistances(int projection, int threads)
    {
        // Given a model fitted on ResNet18-shaped maps (projected, or the full 384-value embedding)
        var model = Fit(SyntheticMaps.ResNet18, projection, images: 3);
        var frame = SyntheticMaps.Defect(SyntheticMaps.ResNet18, 50, 10, 12);
        var expected = new float[model.Embedder.Patches];
        new ManagedPatchDistances(model).Compute(frame, expected);

        // When the bundle's scoring graph computes the same frame
        using var ort = new OrtPatchDistances(Graph, "anomaly-scoring.onnx", model, threads);
        var actual = new float[model.Embedder.Patches];
        ort.Compute(frame, actual);

        // Then every patch distance agrees (float rounding of a different summation order only)
        var scale = expected.Max();
        Assert.True(scale > 0);
        for (var p = 0; p < expected.Length; p++)
        {
            Assert.True(MathF.Abs(actual[p] - expected[p]) <= 2e-3f * scale, $"patch {p}: {actual[p]} vs {expected[p]}");
        }
    }

    [Fact]
    public void Compute_AtTheBorderAndCorners_MatchesTheManagedFilters()
    {
        // The 3×3 mean counts only neighbours inside the map and the resampling clamps at the edge: the border
        // patches are where a different convention would show.
        var model = Fit(SyntheticMaps.Small, projection: 0, images: 4);
        var frame = SyntheticMaps.Defect(SyntheticMaps.Small, 9, 0, 0);
        var expected = new float[model.Embedder.Patches];
        new ManagedPatchDistances(model).Compute(frame, expected);

        using var ort = new OrtPatchDistances(Graph, "anomaly-scoring.onnx", model);
        var actual = new float[model.Embedder.Patches];
        ort.Compute(frame, actual);

        var scale = expected.Max();
        for (var p = 0; p < expected.Length; p++)
        {
            Assert.True(MathF.Abs(actual[p] - expected[p]) <= 2e-3f * scale, $"patch {p}: {actual[p]} vs {expected[p]}");
        }
    }

    [Fact]
    public void Compute_MapsOfAnotherShape_AreRefusedNamingBothShapes()
    {
        var model = Fit(SyntheticMaps.Small, projection: 8, images: 3);
        using var ort = new OrtPatchDistances(Graph, "anomaly-scoring.onnx", model);

        var error = Assert.Throws<FeatureLayoutException>(() => ort.Compute(SyntheticMaps.Good(SyntheticMaps.ResNet18, 0), new float[784]));

        Assert.Contains("16×8×8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scorer_WithTheGraph_ScoresAsTheManagedScorer()
    {
        var model = Fit(SyntheticMaps.Small, projection: 8, images: 6);
        using var ort = new OrtPatchDistances(Graph, "anomaly-scoring.onnx", model);
        var frame = SyntheticMaps.Defect(SyntheticMaps.Small, 31, 3, 4);

        var managed = new AnomalyScorer(model).Score(frame);
        var graph = new AnomalyScorer(model, ort).Score(frame);

        Assert.Equal(managed.Score, graph.Score, 1e-3f * managed.Score);
        Assert.Equal(managed.IsAnomalous, graph.IsAnomalous);
    }

    private static AnomalyModel Fit(FeatureLayout layout, int projection, int images)
    {
        var good = Enumerable.Range(0, images).Select(i => new AnomalySample(SyntheticMaps.Good(layout, i), false)).ToList();
        return new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = projection, CoresetRatio = 0.5, MaxCoresetRows = 512, SamplingDimensions = 0 }).Fit(good).Model;
    }
}
