namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class AnomalyFitterTests
{
    private static readonly FeatureLayout Layout = SyntheticMaps.Small;

    [Fact]
    public void Fit_OnGoodPartsOnly_RejectsUnseenDefects_AndAcceptsNewGoodParts()
    {
        var good = Enumerable.Range(0, 30).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false)).ToList();
        var result = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 24, CoresetRatio = 0.25 }).Fit(good);
        var scorer = new AnomalyScorer(result.Model);

        var newGood = Enumerable.Range(100, 20).Select(i => scorer.Score(SyntheticMaps.Good(Layout, i))).ToList();
        var defects = Enumerable.Range(200, 20).Select(i => scorer.Score(SyntheticMaps.Defect(Layout, i, i % 6, (i / 6) % 6))).ToList();

        Assert.Equal((24, 6, 0), (result.TrainSamples, result.HeldOutSamples, result.DefectSamples));
        Assert.Equal((int)Math.Ceiling(0.25 * 24 * 64), result.BankPatches);
        Assert.All(defects, d => Assert.True(d.IsAnomalous, $"defect score {d.Score} ≤ threshold {d.Threshold.Value}"));
        Assert.True(newGood.Count(g => g.IsAnomalous) <= 1, "more than 1 of 20 new good parts rejected");
        Assert.All(defects, d => Assert.True(d.NormalisedScore > 0.5f));
    }

    [Fact]
    public void Fit_WithLabelledDefects_ReportsImageAurocAndTheF1BestThreshold_WithoutPuttingDefectsInTheBank()
    {
        var samples = Enumerable.Range(0, 20).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false))
            .Concat(Enumerable.Range(50, 5).Select(i => new AnomalySample(SyntheticMaps.Defect(Layout, i, 3, 3), true)))
            .ToList();

        var result = new AnomalyFitter().Fit(samples);

        Assert.Equal(5, result.DefectSamples);
        Assert.Equal(16 * 64, result.TrainPatches);
        Assert.Equal(1.0, result.ImageAuroc);
        Assert.NotNull(result.BestF1);
        Assert.Equal(1.0, result.BestF1.Value.F1);
        Assert.All(result.DefectScores, s => Assert.True(s > result.Threshold.Value));
    }

    [Fact]
    public void Fit_KeepsTheBankWithinItsByteBudget()
    {
        var good = Enumerable.Range(0, 10).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false)).ToList();
        var result = new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 0, CoresetRatio = 1, MaxBankBytes = 4096 }).Fit(good);

        // 48 dimensions × 4 bytes = 192 bytes per row: 21 rows fit in 4096 bytes.
        Assert.Equal(21, result.BankPatches);
        Assert.True(result.BankBytes <= 4096);
    }

    [Fact]
    public void Fit_KeepsTheCoresetWithinItsRowCap_WhateverTheRatioGives()
    {
        var good = Enumerable.Range(0, 10).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false)).ToList();
        var result = new AnomalyFitter(new AnomalyFitOptions { CoresetRatio = 1, MaxCoresetRows = 50 }).Fit(good);

        Assert.Equal(50, result.BankPatches);
        Assert.Equal("50", result.Model.Metadata["coresetRows"]);
    }

    [Theory]
    [InlineData(1.0, 0, 1000, 1000)]      // no cap: the ratio
    [InlineData(0.1, 0, 1000, 100)]
    [InlineData(0.1, 64, 1000, 64)]       // the cap is below the ratio
    [InlineData(0.5, 2048, 1000, 500)]    // the ratio is below the cap
    [InlineData(0.001, 2048, 10, 1)]      // never fewer than one row
    public void CoresetBudget_IsTheSmallestOfRatioAndRowCap(double ratio, int cap, int patches, int expected) =>
        Assert.Equal(expected, new AnomalyFitOptions { CoresetRatio = ratio, MaxCoresetRows = cap }.CoresetBudget(patches, 128));

    [Fact]
    public void Options_WithANegativeRowCap_AreRefusedByName()
    {
        var error = Assert.Throws<InvalidSettingException>(() => new AnomalyFitter(new AnomalyFitOptions { MaxCoresetRows = -1 }));
        Assert.Contains("MaxCoresetRows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_ReportsProgressThroughEveryStage_InOrder()
    {
        var samples = Enumerable.Range(0, 20).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false))
            .Append(new AnomalySample(SyntheticMaps.Defect(Layout, 20, 1, 1), true)).ToList();
        var reports = new List<AnomalyFitProgress>();

        new AnomalyFitter().Fit(samples, new SynchronousProgress(reports.Add));

        // 16 train samples embedded, the coreset's start and end, 4 held-out + 1 defect scored.
        Assert.Equal(16 + 2 + 5, reports.Count);
        Assert.Equal(new AnomalyFitProgress(AnomalyFitStage.Embedding, 16, 16), reports[15]);
        Assert.Equal(new AnomalyFitProgress(AnomalyFitStage.Coreset, 1, 1), reports[17]);
        Assert.Equal(new AnomalyFitProgress(AnomalyFitStage.Calibrating, 5, 5), reports[^1]);
    }

    [Fact]
    public void Fit_WithFeaturesBeyondHalfPrecision_IsRefusedWithAClearError_NotAnInfiniteBank()
    {
        // Given good parts, one of whose maps holds values no half-precision bank row can store
        var good = Enumerable.Range(0, 6).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false)).ToList();
        var g = good[3].Features;
        good[3] = new AnomalySample(new AnomalyFeatures(
            new FeatureMap(Enumerable.Repeat(1e6f, g.Stage2.Values.Length).ToArray(), g.Stage2.Shape),
            new FeatureMap(Enumerable.Repeat(1e6f, g.Stage3.Values.Length).ToArray(), g.Stage3.Shape)), false);

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter().Fit(good));

        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_FromFewParts_ReportsEachPartScoredAgainstTheOthers()
    {
        var samples = Enumerable.Range(0, 6).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false))
            .Append(new AnomalySample(SyntheticMaps.Defect(Layout, 20, 1, 1), true)).ToList();
        var reports = new List<AnomalyFitProgress>();

        new AnomalyFitter().Fit(samples, new SynchronousProgress(reports.Add));

        // 6 parts embedded (all in the bank), the coreset's start and end, 6 parts against the others + 1 defect scored.
        Assert.Equal(6 + 2 + 7, reports.Count);
        Assert.Equal(new AnomalyFitProgress(AnomalyFitStage.Embedding, 6, 6), reports[5]);
        Assert.Equal(new AnomalyFitProgress(AnomalyFitStage.Calibrating, 7, 7), reports[^1]);
    }

    [Fact]
    public void Fit_FromFewParts_BanksThemAll_AndStillRejectsUnseenDefects_WhileAcceptingNewGoodParts()
    {
        // Given 6 good parts: a 20 % share would hold out 1, too few for the position scale
        var good = Enumerable.Range(0, 6).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false)).ToList();

        var result = new AnomalyFitter().Fit(good);
        var scorer = new AnomalyScorer(result.Model);

        // Then every part is in the bank, each part scored against the other five set the scale and the threshold
        Assert.Equal((6, 0, 6 * 64), (result.TrainSamples, result.HeldOutSamples, result.TrainPatches));
        Assert.Empty(result.HeldOut);
        Assert.NotNull(result.Threshold.PositionScale);
        Assert.Equal(6, result.HeldOutScores.Count);
        var defects = Enumerable.Range(200, 12).Select(i => scorer.Score(SyntheticMaps.Defect(Layout, i, i % 6, (i / 6) % 6))).ToList();
        var newGood = Enumerable.Range(100, 12).Select(i => scorer.Score(SyntheticMaps.Good(Layout, i))).ToList();
        Assert.All(defects, d => Assert.True(d.IsAnomalous, $"defect score {d.Score} ≤ threshold {d.Threshold.Value}"));
        Assert.True(newGood.Count(g => g.IsAnomalous) <= 1, "more than 1 of 12 new good parts rejected");
    }

    [Fact]
    public void Fit_IsFixedByTheSeed()
    {
        var good = Enumerable.Range(0, 10).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false)).ToList();
        var a = new AnomalyFitter(new AnomalyFitOptions { Seed = 5 }).Fit(good);
        var b = new AnomalyFitter(new AnomalyFitOptions { Seed = 5 }).Fit(good);

        Assert.Equal(a.Model.Bank.Rows, b.Model.Bank.Rows);
        Assert.Equal(a.Threshold.Value, b.Threshold.Value);
    }

    [Fact]
    public void Fit_FromAStream_GivesTheSameModelAsFromAList()
    {
        // Given good parts and defects, as a list and as a sequence read once
        var samples = Enumerable.Range(0, 15).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false))
            .Concat(Enumerable.Range(50, 3).Select(i => new AnomalySample(SyntheticMaps.Defect(Layout, i, 2, 2), true)))
            .ToList();
        var reads = 0;
        IEnumerable<AnomalySample> Stream()
        {
            foreach (var sample in samples)
            {
                reads++;
                yield return sample;
            }
        }

        // When both are fitted
        var fromList = new AnomalyFitter().Fit(samples);
        var fromStream = new AnomalyFitter().Fit(15, Stream());

        // Then the bank, the position scale, the threshold and the scores are the same, and the sequence was read once
        Assert.Equal(samples.Count, reads);
        Assert.Equal(fromList.Model.Bank.Rows, fromStream.Model.Bank.Rows);
        Assert.Equal(fromList.Threshold.PositionScale, fromStream.Threshold.PositionScale);
        Assert.Equal(fromList.Threshold.Value, fromStream.Threshold.Value);
        Assert.Equal(fromList.DefectScores, fromStream.DefectScores);
        Assert.Equal((fromList.TrainSamples, fromList.HeldOutSamples), (fromStream.TrainSamples, fromStream.HeldOutSamples));
    }

    [Fact]
    public void Fit_FromAStreamThatReusesOneBuffer_GivesTheSameModelAsFromAList()
    {
        // Given a reader that hands every sample out in the same two arrays, overwritten by the next sample
        var samples = Enumerable.Range(0, 12).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false))
            .Append(new AnomalySample(SyntheticMaps.Defect(Layout, 60, 1, 2), true))
            .ToList();
        var stage2 = new float[Layout.Stage2.Length];
        var stage3 = new float[Layout.Stage3.Length];
        IEnumerable<AnomalySample> Reused()
        {
            foreach (var sample in samples)
            {
                sample.Features.Stage2.Values.Span.CopyTo(stage2);
                sample.Features.Stage3.Values.Span.CopyTo(stage3);
                yield return new AnomalySample(new AnomalyFeatures(new FeatureMap(stage2, Layout.Stage2), new FeatureMap(stage3, Layout.Stage3)), sample.IsDefect);
            }
        }

        var fromList = new AnomalyFitter().Fit(samples);
        var fromStream = new AnomalyFitter().Fit(12, Reused());

        // Then the held-out parts and the defect were copied, not left pointing at the last sample
        Assert.Equal(fromList.Threshold.PositionScale, fromStream.Threshold.PositionScale);
        Assert.Equal(fromList.HeldOutScores, fromStream.HeldOutScores);
        Assert.Equal(fromList.DefectScores, fromStream.DefectScores);
    }

    [Fact]
    public void Fit_FromAStreamWithAPartMissing_FitsOnThePartsThatArrived()
    {
        // Given 20 good parts announced and 19 arriving (an image that could not be read)
        var arrived = Enumerable.Range(0, 19).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false));

        var result = new AnomalyFitter().Fit(20, arrived);

        Assert.Equal(19, result.TrainSamples + result.HeldOutSamples);
        Assert.Equal(result.TrainSamples * 64, result.TrainPatches);
    }

    [Fact]
    public void Fit_FromFewPartsInAStreamWithOneMissing_PutsEveryPartThatArrivedInTheBank()
    {
        // Given 6 good parts announced (too few to hold 3 out) and 5 arriving
        var arrived = Enumerable.Range(0, 5).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false));

        var result = new AnomalyFitter().Fit(6, arrived);

        // Then all 5 build the bank and each was scored against the other 4
        Assert.Equal((5, 0), (result.TrainSamples, result.HeldOutSamples));
        Assert.Equal(5 * 64, result.TrainPatches);
        Assert.Equal("leave-one-out", result.Model.Metadata["calibration"]);
    }

    [Fact]
    public void Fit_FromAStreamWhoseMissingPartLeavesTooFewHeldOut_CalibratesLeaveOneOutOnThePartsThatArrived()
    {
        // Given 4 good parts announced with 3 to be held out and 1 for the bank, and 3 arriving: either the bank's part
        // or one of the held-out parts is missing, so the split the count promised cannot be kept
        var options = new AnomalyFitOptions { HeldOutShare = 0.75 };
        var arrived = Enumerable.Range(0, 3).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false));

        var result = new AnomalyFitter(options).Fit(4, arrived);

        // Then the 3 that arrived build the bank and each is scored against the other 2, with a position scale
        Assert.True(result.LeaveOneOut);
        Assert.Equal((3, 0), (result.TrainSamples, result.HeldOutSamples));
        Assert.Equal(3 * 64, result.TrainPatches);
        Assert.Equal(3, result.HeldOutScores.Count);
        Assert.NotNull(result.Threshold.PositionScale);
        Assert.Equal("leave-one-out", result.Model.Metadata["calibration"]);
    }

    [Fact]
    public void Fit_FromAStreamWhoseLastHeldOutPartIsMissing_MovesTheLastBankPartToTheHeldOutShare_WhenManyPartsArrived()
    {
        // Given 15 good parts announced (3 to be held out) and a seed whose last arrival is a held-out part
        var (seed, heldOutArrivals) = Enumerable.Range(1, 50)
            .Select(seed => (seed, HeldOutArrivals(new AnomalyFitOptions { Seed = seed }, 15)))
            .First(s => s.Item2.Contains(14));
        Assert.Equal(3, heldOutArrivals.Count);

        // When the 15th image cannot be read, so 14 arrive with 2 of them held out
        var parts = Enumerable.Range(0, 14).Select(i => SyntheticMaps.Good(Layout, i)).ToList();
        var result = new AnomalyFitter(new AnomalyFitOptions { Seed = seed }).Fit(15, parts.Select(p => new AnomalySample(p, false)));

        // Then the last part that went into the bank makes the held-out share up to the 3 the position scale needs
        // (going on with 2 gave thresholds 30 times too high), instead of refusing a fit from 14 good parts
        var lastBankPart = Enumerable.Range(0, 14).Last(i => !heldOutArrivals.Contains(i));
        Assert.Equal((11, 3), (result.TrainSamples, result.HeldOutSamples));
        Assert.Equal("held-out", result.Model.Metadata["calibration"]);
        Assert.NotNull(result.Threshold.PositionScale);
        Assert.Contains(result.HeldOut, h => h.Stage2.Values.Span.SequenceEqual(parts[lastBankPart].Stage2.Values.Span));
    }

    [Fact]
    public void Fit_FromAStreamWithMoreGoodPartsThanAnnounced_IsRefused()
    {
        var samples = Enumerable.Range(0, 6).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), false));

        var error = Assert.Throws<ArgumentException>(() => new AnomalyFitter().Fit(5, samples));

        Assert.Contains("More good samples arrived than the 5 announced", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_FromAStreamWithTooFewGoodPartsAnnounced_IsRefusedBeforeReadingAny()
    {
        var reads = 0;
        IEnumerable<AnomalySample> Stream()
        {
            reads++;
            yield return new AnomalySample(SyntheticMaps.Good(Layout, 0), false);
        }

        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter(new AnomalyFitOptions { MinGoodSamples = 3 }).Fit(1, Stream()));

        Assert.Contains("only 1 good samples", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, reads);
    }

    [Fact]
    public void Fit_WithNoSamples_SaysToStoreGoodParts()
    {
        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter().Fit([]));
        Assert.Contains("no samples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WithOnlyDefects_SaysTheModelIsFittedOnGoodParts()
    {
        var defects = Enumerable.Range(0, 4).Select(i => new AnomalySample(SyntheticMaps.Defect(Layout, i, 1, 1), true)).ToList();
        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter().Fit(defects));
        Assert.Contains("All 4 samples are labelled defects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WithTooFewGoodSamples_NamesTheCountAndTheMinimum()
    {
        var samples = new List<AnomalySample> { new(SyntheticMaps.Good(Layout, 0), false), new(SyntheticMaps.Defect(Layout, 1, 1, 1), true) };
        var error = Assert.Throws<TrainingException>(() => new AnomalyFitter(new AnomalyFitOptions { MinGoodSamples = 5 }).Fit(samples));
        Assert.Contains("only 1 good samples", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WithSamplesOfAnotherBundle_NamesTheSampleAndBothShapes()
    {
        var other = new FeatureLayout(new FeatureMapShape(16, 8, 8), new FeatureMapShape(32, 2, 2));
        var samples = new List<AnomalySample> { new(SyntheticMaps.Good(Layout, 0), false), new(SyntheticMaps.Good(Layout, 1), false), new(SyntheticMaps.Good(other, 2), false) };

        var error = Assert.Throws<FeatureLayoutException>(() => new AnomalyFitter().Fit(samples));

        Assert.Contains("sample 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("32×2×2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedNamingTheSetting()
    {
        var error = Assert.Throws<InvalidSettingException>(() => new AnomalyFitter(new AnomalyFitOptions { TargetFalseRejectRate = 0 }));
        Assert.Equal("AnomalyFitOptions.TargetFalseRejectRate", error.Setting);
        Assert.Throws<InvalidSettingException>(() => new AnomalyFitter(new AnomalyFitOptions { CoresetRatio = 1.5 }));
        Assert.Throws<InvalidSettingException>(() => new AnomalyFitter(new AnomalyFitOptions { HeldOutShare = 0 }));
    }

    // Progress<T> posts to the thread pool; tests need the reports in order and complete on return.
    private sealed class SynchronousProgress(Action<AnomalyFitProgress> report) : IProgress<AnomalyFitProgress>
    {
        public void Report(AnomalyFitProgress value) => report(value);
    }

    // The arrival indices of the parts a fit of `count` parts holds out (found by their maps).
    private static List<int> HeldOutArrivals(AnomalyFitOptions options, int count)
    {
        var samples = Enumerable.Range(0, count).Select(i => SyntheticMaps.Good(Layout, i)).ToList();
        var result = new AnomalyFitter(options).Fit([.. samples.Select(f => new AnomalySample(f, false))]);
        return [.. result.HeldOut.Select(h => samples.FindIndex(f => f.Stage2.Values.Span.SequenceEqual(h.Stage2.Values.Span)))];
    }
}
