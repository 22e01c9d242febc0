using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Randomness;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Anomaly.Tests;

public sealed class PositionScaleTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fit_WithTheScale_FindsAnInteriorDefectThatANoisyCornerOfGoodPartsHidesWithoutIt()
    {
        // Given good parts whose corner patch varies a lot from part to part (vignetting, padding), and a part
        // with a moderate defect in the middle
        var good = Enumerable.Range(0, 20).Select(i => new AnomalySample(NoisyCorner(i), false)).ToList();
        var newGood = Enumerable.Range(100, 10).Select(NoisyCorner).ToList();
        var defect = SyntheticMaps.Defect(SyntheticMaps.Small, 200, 3, 3);

        // When the model is fitted with and without the position scale
        var scaled = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 0 }).Fit(good).Model;
        var raw = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 0, PositionScale = false }).Fit(good).Model;

        // Then only the scaled model ranks the defect above every new good part
        Assert.NotNull(scaled.Threshold.PositionScale);
        Assert.Null(raw.Threshold.PositionScale);
        Assert.True(Score(scaled, defect) > newGood.Max(g => Score(scaled, g)), "scaled: the defect should outrank every good part");
        Assert.True(Score(raw, defect) < newGood.Max(g => Score(raw, g)), "raw: the noisy corner of some good part outranks the defect");
        Assert.True(new AnomalyScorer(scaled).Score(defect).IsAnomalous);
    }

    [Fact]
    public void Fit_ScoresEachHeldOutPart_AgainstTheScaleOfTheOtherHeldOutParts()
    {
        var good = Enumerable.Range(0, 20).Select(i => new AnomalySample(NoisyCorner(i), false)).ToList();

        var fit = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 0 }).Fit(good);

        var maps = fit.HeldOut.Select(f => Distances(fit.Model, f)).ToList();
        Assert.Equal(4, maps.Count);
        for (var i = 0; i < maps.Count; i++)
        {
            var others = maps.Where((_, j) => j != i).ToList();
            var scale = Enumerable.Range(0, maps[i].Length).Select(p => others.Average(m => m[p])).ToArray();
            var floor = 0.1f * scale.Average();
            var expected = Enumerable.Range(0, scale.Length).Max(p => maps[i][p] / Math.Max(scale[p], floor));
            Assert.Equal(expected, fit.HeldOutScores[i], expected * 1e-4f);
        }

        var all = Enumerable.Range(0, maps[0].Length).Select(p => (float)maps.Average(m => m[p])).ToArray();
        Assert.Equal(all, fit.Model.Threshold.PositionScale!, (a, b) => MathF.Abs(a - b) <= 1e-4f * Math.Max(a, 1f));
    }

    [Fact]
    public void Fit_WithFewerThanThreeHeldOutParts_HasNoScale()
    {
        // 2 good parts: each is scored against a bank of the other, two maps where the scale needs three.
        var good = Enumerable.Range(0, 2).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();

        var fit = new AnomalyFitter().Fit(good);

        Assert.Equal((2, 0), (fit.TrainSamples, fit.HeldOutSamples));
        Assert.Null(fit.Model.Threshold.PositionScale);
    }

    [Fact]
    public void Scale_WithAPrior_PullsAPositionWhereEveryPartMatchedTowardsTheAverage_AndWithoutOneIsThePlainMean()
    {
        // Given 4 parts' maps over 4 positions: position 0 matched almost exactly in every part, the others at 2
        float[][] maps = [[0.01f, 2, 2, 2], [0.01f, 2, 2, 2], [0.01f, 2, 2, 2], [0.01f, 2, 2, 2]];

        // When the scale is measured plainly and with the few-parts prior
        var plain = PositionScaleCalibrator.Scale(maps);
        var shrunk = PositionScaleCalibrator.Scale(maps, PositionScaleCalibrator.FewPartsPrior);

        // Then the plain scale is the mean (floored at 10 % of the average: 0.15), and the prior lifts position 0 to
        // (4 × 0.01 + 4 × 1.5025) / 8, so a new part that differs there by 1 is not 7 times "the usual" but 1.3
        Assert.Equal(0.150250f, plain[0], 5);
        Assert.Equal(2f, plain[1], 5);
        Assert.Equal(0.75625f, shrunk[0], 5);
        Assert.Equal((2f * 4 + (4 * 1.5025f)) / 8, shrunk[1], 5);
    }

    [Fact]
    public void Fit_FromTwelveParts_ScoresEachAgainstTheOthers_AndHasAScale()
    {
        // 12 good parts: a 20 % share would hold out 2, so none is held out and each is scored against the other 11.
        var good = Enumerable.Range(0, 12).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();

        var fit = new AnomalyFitter().Fit(good);

        Assert.Equal((12, 0, 12), (fit.TrainSamples, fit.HeldOutSamples, fit.HeldOutScores.Count));
        Assert.NotNull(fit.Model.Threshold.PositionScale);
        Assert.Equal("leave-one-out", fit.Model.Metadata["calibration"]);
    }

    [Fact]
    public void Read_AFormat1Model_LoadsWithoutAScale_AndScoresByTheRawDistances()
    {
        // Given a model file as the previous version wrote it (format 1: no position scale)
        var good = Enumerable.Range(0, 8).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();
        var model = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 16, PositionScale = false }).Fit(good).Model;
        var path = _temp.Combine("old.etam");
        WriteWithVersion(model, path, "1");

        // When this version reads it
        var read = AnomalyModelFile.Read(path);

        // Then it scores as before: the largest raw patch distance
        var frame = SyntheticMaps.Defect(SyntheticMaps.Small, 50, 2, 2);
        Assert.Null(read.Threshold.PositionScale);
        Assert.Equal(Distances(model, frame).Max(), new AnomalyScorer(read).Score(frame).Score);
    }

    [Fact]
    public void Read_AModelOfANewerFormat_IsRefusedNamingTheVersions()
    {
        var good = Enumerable.Range(0, 8).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();
        var path = _temp.Combine("new.etam");
        WriteWithVersion(new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 16 }).Fit(good).Model, path, "3");

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Contains("version 3", error.Reason, StringComparison.Ordinal);
        Assert.Contains("versions 1 to 2", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_APositionScaleOfTheWrongLength_IsRefusedAsInconsistent()
    {
        var good = Enumerable.Range(0, 20).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();
        var model = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 16 }).Fit(good).Model;
        var path = _temp.Combine("bad.etam");
        AnomalyModelFile.Write(path, model);
        var container = CheckpointFile.Read(path);
        CheckpointFile.Write(path, new HeadCheckpoint([.. container.Parameters.Select(t => t.Name == "positionScale" ? new NamedTensor(t.Name, [3], [1f, 1f, 1f]) : t)], metadata: container.Metadata.ToDictionary()));

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Contains("position scale has shape [3], expected [64]", error.Reason, StringComparison.Ordinal);
    }

    private static float Score(AnomalyModel model, AnomalyFeatures frame) => new AnomalyScorer(model).Score(frame).Score;

    private static float[] Distances(AnomalyModel model, AnomalyFeatures frame)
    {
        var map = new float[model.Embedder.Patches];
        new ManagedPatchDistances(model).Compute(frame, map);
        return map;
    }

    private static void WriteWithVersion(AnomalyModel model, string path, string version)
    {
        AnomalyModelFile.Write(path, model);
        var container = CheckpointFile.Read(path);
        var metadata = container.Metadata.ToDictionary();
        metadata["formatVersion"] = version;
        CheckpointFile.Write(path, new HeadCheckpoint([.. container.Parameters], metadata: metadata));
    }

    // A good part whose top-left stage 2 position carries strong noise of its own in every channel.
    private static AnomalyFeatures NoisyCorner(int image)
    {
        var part = SyntheticMaps.Good(SyntheticMaps.Small, image);
        var shape = SyntheticMaps.Small.Stage2;
        var values = part.Stage2.Values.ToArray();
        var noise = new SplitMix64((ulong)image + 1000);
        for (var c = 0; c < shape.Channels; c++)
        {
            values[c * shape.Positions] += 20f * noise.NextGaussian();
        }

        return new AnomalyFeatures(new FeatureMap(values, shape), part.Stage3);
    }
}
