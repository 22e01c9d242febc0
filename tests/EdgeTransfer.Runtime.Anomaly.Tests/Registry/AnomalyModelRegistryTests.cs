using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Anomaly.Tests.Registry;

public sealed class AnomalyModelRegistryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Promote_VersionsModels_AndTheLastSurvivesAReopen()
    {
        using (var registry = Open())
        {
            Assert.Null(registry.Current);
            Assert.Null(registry.ReadCurrent());
            Assert.Equal("a0001", registry.Promote(Fit(seed: 1)).Name);
            var second = registry.Promote(Fit(seed: 2));
            Assert.Equal("a0002", second.Name);
            Assert.Equal(1, second.Previous);
            Assert.Equal(AnomalyModelSource.Fitted, second.Source);
            Assert.NotNull(second.HeldOutFalseRejectRate);
        }

        using var reopened = Open();
        Assert.Equal("a0002", reopened.Current!.Name);
        Assert.Empty(reopened.Issues);
        Assert.Equal(Fit(seed: 2).Model.Bank.Rows, reopened.ReadCurrent()!.Bank.Rows);
    }

    [Fact]
    public void Rollback_PutsThePreviousModelBack_AsANewVersion()
    {
        using var registry = Open();
        var first = Fit(seed: 1);
        registry.Promote(first);
        registry.Promote(Fit(seed: 2));

        var back = registry.Rollback();

        Assert.Equal("a0003", back.Name);
        Assert.Equal(AnomalyModelSource.Rollback, back.Source);
        Assert.Equal(1, back.RestoredFrom);
        Assert.Equal(first.Model.Bank.Rows, registry.ReadCurrent()!.Bank.Rows);
        var error = Assert.Throws<AnomalyRegistryException>(registry.Rollback);
        Assert.Contains("first anomaly model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_WithoutAModel_SaysThereIsNothing()
    {
        using var registry = Open();

        var error = Assert.Throws<AnomalyRegistryException>(registry.Rollback);

        Assert.Contains("no anomaly model has been fitted yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Promote_KeepsOnlyTheNewestVersions()
    {
        using var registry = Open(keep: 2);
        for (var seed = 1; seed <= 5; seed++)
        {
            registry.Promote(Fit(seed));
        }

        // The newest two plus the rollback chain (a0005 → a0004 → a0003).
        Assert.Equal(["a0003", "a0004", "a0005"], registry.Versions.Select(v => v.Name));
        Assert.False(File.Exists(Path.Combine(registry.DirectoryPath, "a0001.etam")));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("tamper")]
    public void ADamagedModelInService_IsRefused_AndTheNewestIntactOneServes(string damage)
    {
        string path;
        using (var registry = Open())
        {
            registry.Promote(Fit(seed: 1));
            path = registry.Promote(Fit(seed: 2)).Path;
        }

        var bytes = File.ReadAllBytes(path);
        if (damage == "truncate")
        {
            bytes = bytes[..(bytes.Length / 2)];
        }
        else
        {
            bytes[bytes.Length / 2] ^= 0x40;
        }

        File.WriteAllBytes(path, bytes);

        using var reopened = Open();
        Assert.Equal("a0001", reopened.Current!.Name);
        Assert.Contains(reopened.Issues, i => i.StartsWith("a0002.etam: damaged", StringComparison.Ordinal));
        Assert.Contains(reopened.Issues, i => i.Contains("fell back to a0001", StringComparison.Ordinal));
        Assert.NotNull(reopened.ReadCurrent());

        // The damaged file keeps its number: the next promotion does not overwrite it.
        Assert.Equal("a0003", reopened.Promote(Fit(seed: 3)).Name);
    }

    [Fact]
    public void AVersionAboveThePointer_IsAnUnfinishedPromotion_AndIsRemoved()
    {
        string directory;
        using (var registry = Open())
        {
            registry.Promote(Fit(seed: 1));
            registry.Promote(Fit(seed: 2));
            directory = registry.DirectoryPath;
        }

        // A promotion cut off after its file was written but before the pointer moved, plus a temp file.
        File.WriteAllText(Path.Combine(directory, AnomalyModelRegistry.PointerFileName), "a0001\n");
        File.WriteAllText(Path.Combine(directory, "a0003.etam.1a2b3c4d.tmp-write"), "half");

        using var reopened = Open();
        Assert.Equal("a0001", reopened.Current!.Name);
        Assert.False(File.Exists(Path.Combine(directory, "a0002.etam")));
        Assert.Equal(2, reopened.Issues.Count);
    }

    [Fact]
    public void AModelOfAnotherBundle_IsIgnored()
    {
        using (var registry = Open())
        {
            registry.Promote(Fit(seed: 1));
        }

        using var other = AnomalyModelRegistry.Open(_temp.Combine("anomaly"), "another-bundle");

        Assert.Null(other.Current);
        Assert.Contains(other.Issues, i => i.Contains("belongs to bundle \"bundle-a\"", StringComparison.Ordinal));
    }

    [Fact]
    public void ASecondOpen_IsRefused_WhileTheFirstHoldsTheLock()
    {
        using var registry = Open();

        var error = Assert.Throws<AnomalyRegistryException>(() => Open());

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    private AnomalyModelRegistry Open(int keep = AnomalyModelRegistry.DefaultKeep) =>
        AnomalyModelRegistry.Open(_temp.Combine("anomaly"), "bundle-a", keep);

    private static AnomalyFitResult Fit(int seed)
    {
        var samples = Enumerable.Range(seed * 100, 10).Select(i => new AnomalySample(SyntheticMaps.Good(SyntheticMaps.Small, i), IsDefect: false)).ToList();
        return new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 0, Seed = seed }).Fit(samples);
    }
}
