namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class AnomalyFitterCopiesTests
{
    private static readonly FeatureLayout Layout = SyntheticMaps.Small;

    private static AnomalySample Good(int part) => new(SyntheticMaps.Good(Layout, part), false);

    [Theory]
    [InlineData(15)] // would hold some out for the threshold
    [InlineData(4)] // would score each part against the others
    public void Fit_OnCopiesOfOnePart_IsRefused_NamingTheCopies(int copies)
    {
        // Given one good part's maps many times over (one file copied): held-out distances of nothing
        var samples = Enumerable.Range(0, copies).Select(_ => Good(3)).ToList();

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter().Fit(samples));

        Assert.Contains($"Of the {copies} good samples, {copies - 1} are copies of others (good sample 1 copies good sample 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 different part, fewer than the 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fit from images of different good parts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OnBlankImages_IsRefused()
    {
        var blank = SyntheticMaps.Constant(Layout, 0f, 0f);
        var samples = Enumerable.Range(0, 20).Select(_ => new AnomalySample(blank, false)).ToList();

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter().Fit(samples));

        Assert.Contains("19 are copies of others", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OnTwoPartsAlternatingAsCopies_FitsOnTheTwo_AndCountsTheCopiesSetAside()
    {
        // A, B, A, B, … twelve times: every image after the second copies one of the two, whichever came last
        var samples = Enumerable.Range(0, 12).Select(i => Good(i % 2)).ToList();

        var result = new AnomalyFitter().Fit(samples);

        Assert.Equal((2, 10), (result.TrainSamples, result.CopiesSetAside));
        Assert.Equal("10", result.Model.Metadata["copiesSetAside"]);
        Assert.Equal(2 * Layout.Stage2.Width * Layout.Stage2.Height, result.TrainPatches);
    }

    [Fact]
    public void Fit_WithMinimumAboveTheDifferentParts_IsRefused_CountingDifferentPartsNotImages()
    {
        // Six copies each of two parts: twelve images, two parts
        var samples = Enumerable.Range(0, 12).Select(i => Good(i / 6)).ToList();

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter(new AnomalyFitOptions { MinGoodSamples = 5 }).Fit(samples));

        Assert.Contains("Of the 12 good samples, 10 are copies of others", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 different parts, fewer than the 5", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, error.Data[AnomalyFitter.CopiesKey]);
        Assert.Equal(2, (int)error.Data[AnomalyFitter.ArrivedKey]! - (int)error.Data[AnomalyFitter.CopiesKey]!);
    }

    [Fact]
    public void Fit_WithAFewCopiesAmongManyParts_SetsThemAside_AndFitsAsOnTheDifferentParts()
    {
        var distinct = Enumerable.Range(0, 30).Select(Good).ToList();
        var withCopies = distinct.Concat([Good(4), Good(17), Good(4)]).ToList();

        var options = new AnomalyFitOptions { ProjectionDimensions = 24 };
        var plain = new AnomalyFitter(options).Fit(distinct);
        var result = new AnomalyFitter(options).Fit(withCopies);

        Assert.Equal(3, result.CopiesSetAside);
        Assert.Equal(0, plain.CopiesSetAside);
        Assert.Equal(plain.TrainSamples + plain.HeldOutSamples, result.TrainSamples + result.HeldOutSamples);
        Assert.True(result.Threshold.Value > 0.5f * plain.Threshold.Value, $"threshold {result.Threshold.Value} vs {plain.Threshold.Value} without the copies");
    }

    [Fact]
    public void Fit_WhereCopiesLeaveTooFewHeldOut_MakesTheHeldOutShareUpFromTheBank()
    {
        // 100 announced, so 20 held out by a draw made before any arrives; 16 different parts, then 84 copies of the first
        var samples = Enumerable.Range(0, 16).Select(Good).Concat(Enumerable.Range(0, 84).Select(_ => Good(0))).ToList();

        var result = new AnomalyFitter().Fit(samples);

        Assert.Equal(84, result.CopiesSetAside);
        Assert.Equal(16, result.TrainSamples + result.HeldOutSamples);
        Assert.True(result.HeldOutSamples >= 3, $"{result.HeldOutSamples} held out");
        Assert.Equal("held-out", result.Model.Metadata["calibration"]);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(24)]
    public void Fit_OnEveryFrameHandedOverTwice_FitsOnTheDifferentParts(int parts)
    {
        // A camera that hands every frame over twice: A, A, B, B, …
        var samples = Enumerable.Range(0, 2 * parts).Select(i => Good(i / 2)).ToList();

        var result = new AnomalyFitter().Fit(samples);

        Assert.Equal((parts, parts), (result.TrainSamples + result.HeldOutSamples, result.CopiesSetAside));
        Assert.True(result.HeldOutSamples >= 3, $"{result.HeldOutSamples} held out");
    }

    [Fact]
    public void Fit_OnDifferentPartsWithOneRepeated_Fits_WhereverTheRepeatFalls()
    {
        // 14 different parts and one of them again, the repeat at every place in turn (a red-team run found three
        // places where its empty held-out slot refused the fit)
        for (var at = 1; at <= 14; at++)
        {
            var samples = Enumerable.Range(0, 14).Select(Good).ToList();
            samples.Insert(at, Good(at - 1));

            var result = new AnomalyFitter().Fit(samples);

            Assert.Equal((14, 1), (result.TrainSamples + result.HeldOutSamples, result.CopiesSetAside));
        }
    }

    [Fact]
    public void Fit_WithOneCopyBelowTheMinimum_SaysItIsOneCopy()
    {
        var samples = Enumerable.Range(0, 12).Select(Good).Append(Good(5)).ToList();

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter(new AnomalyFitOptions { MinGoodSamples = 13 }).Fit(samples));

        Assert.Contains("Of the 13 good samples, 1 is a copy of another (good sample 12 copies good sample 5): 12 different parts, fewer than the 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OnFeaturesThatAreNotFinite_IsRefused_NamingTheSample()
    {
        var samples = Enumerable.Range(0, 6).Select(Good).ToList();
        var good = SyntheticMaps.Good(Layout, 40);
        var values = good.Stage3.Values.ToArray();
        values[5] = float.NaN;
        samples.Insert(3, new AnomalySample(new AnomalyFeatures(good.Stage2, new FeatureMap(values, Layout.Stage3)), false));

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter().Fit(samples));

        Assert.Contains("The feature maps of good sample 3 are not finite numbers", error.Message, StringComparison.Ordinal);
    }
}
