using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Anomaly.Tests;

public sealed class AnomalyModelFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WriteThenRead_GivesAModelThatScoresExactlyAsTheOriginal()
    {
        var model = FitSmall();
        var path = _temp.Combine("model" + AnomalyModelFile.Extension);

        AnomalyModelFile.Write(path, model);
        var read = AnomalyModelFile.Read(path);

        var frame = SyntheticMaps.Defect(SyntheticMaps.Small, 77, 2, 2);
        var before = new AnomalyScorer(model).Score(frame);
        var after = new AnomalyScorer(read).Score(frame);
        Assert.Equal(before.PatchMap, after.PatchMap);
        Assert.Equal(model.Threshold, read.Threshold);
        Assert.Equal(model.Layout, read.Layout);
        Assert.Equal(model.Projection!.Matrix, read.Projection!.Matrix);
        Assert.Equal(model.Metadata["trainSamples"], read.Metadata["trainSamples"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Read_ATruncatedFile_IsRefusedWithAClearReason(int keepBytes)
    {
        var path = _temp.Combine("model.etam");
        AnomalyModelFile.Write(path, FitSmall());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..Math.Min(keepBytes, bytes.Length - 1)]);

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Equal(path, error.ModelPath);
        Assert.Matches("truncated|SHA-256", error.Reason);
    }

    [Fact]
    public void Read_AFileChangedInItsBank_IsRefusedByTheDigest()
    {
        var path = _temp.Combine("model.etam");
        AnomalyModelFile.Write(path, FitSmall());
        var bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Contains("SHA-256", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AHeadCheckpoint_IsRefusedAsNotAnAnomalyModel()
    {
        var path = _temp.Combine("head.etck");
        CheckpointFile.Write(path, new HeadCheckpoint([new NamedTensor("head.weight", [2, 2], new float[4])]));

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Contains("not an anomaly model", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AFileAboveTheSizeLimit_IsRefusedBeforeReadingIt()
    {
        var path = _temp.Combine("huge.etam");
        using (var stream = File.Create(path))
        {
            stream.SetLength(AnomalyModelFile.MaxFileBytes + 1); // sparse: no data is written
        }

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Contains("more than the", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AMissingFile_SaysSo()
    {
        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(_temp.Combine("none.etam")));
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OverAnExistingModel_LeavesNoTemporaryFileAndReplacesItWhole()
    {
        var path = _temp.Combine("model.etam");
        AnomalyModelFile.Write(path, FitSmall(seed: 1));
        var second = FitSmall(seed: 2);

        AnomalyModelFile.Write(path, second);

        Assert.Equal(second.Bank.Rows, AnomalyModelFile.Read(path).Bank.Rows);
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    private static AnomalyModel FitSmall(int seed = 3)
    {
        var good = Enumerable.Range(0, 8).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), false)).ToList();
        return new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 16, Seed = seed }).Fit(good).Model;
    }
}
