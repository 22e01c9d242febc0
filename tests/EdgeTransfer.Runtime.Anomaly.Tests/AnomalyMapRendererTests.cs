namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class AnomalyMapRendererTests
{
    [Fact]
    public void Render_GivesTheInputSize_WithThePeakWhereTheDefectIs()
    {
        var patchMap = new float[28 * 28];
        patchMap[(20 * 28) + 7] = 10f; // one anomalous patch at row 20, column 7

        var image = AnomalyMapRenderer.Render(patchMap, 28, 28, 224, 224);

        Assert.Equal(224 * 224, image.Length);
        var peak = Array.IndexOf(image, image.Max());
        Assert.InRange(peak / 224, (20 * 8) - 4, (21 * 8) + 4);
        Assert.InRange(peak % 224, (7 * 8) - 4, (8 * 8) + 4);
    }

    [Fact]
    public void Render_KeepsAConstantMapConstant()
    {
        var image = AnomalyMapRenderer.Render(Enumerable.Repeat(2.5f, 49).ToArray(), 7, 7, 64, 96);
        Assert.All(image, v => Assert.Equal(2.5f, v, 4));
    }

    [Fact]
    public void PatchMapBytes_Puts128AtTheThreshold()
    {
        var good = Enumerable.Range(0, 6).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();
        var model = new AnomalyFitter().Fit(good).Model;
        var score = new AnomalyScorer(model).Score(SyntheticMaps.Defect(SyntheticMaps.Small, 9, 4, 4));

        var bytes = score.PatchMapBytes();

        Assert.Equal(64, bytes.Length);
        Assert.True(bytes[(4 * 8) + 4] > 128);
        Assert.Equal(score.Score > model.Threshold.Value, bytes.Max() > 128);
    }
}
