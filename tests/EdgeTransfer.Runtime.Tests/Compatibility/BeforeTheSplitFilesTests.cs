using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Compatibility;

/// <summary>
/// Devices in the field hold stores and registries written by earlier builds. Fixtures/before-split was written
/// by the code as it was before SampleStore, HeadRegistry and AnomalyModelRegistry were split into smaller types
/// (a store with evictions, a relabel, a delete and an audit JPEG; five head versions ending in a rollback; three
/// anomaly models): every later build must open them whole and keep working on them.
/// </summary>
public class BeforeTheSplitFilesTests
{
    private static readonly SampleStoreSchema Schema = new(4, ["good", "scratch", "dent"], "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12");

    private static readonly SampleStoreOptions Options = new() { MaxPerClass = 3, MaxTotalBytes = 1 << 20, SegmentBytes = 64 << 10 };

    [Fact]
    public void SampleStore_OpensAnOlderStore_WithEverySampleItsFeaturesAndItsJpeg_AndAppendsToIt()
    {
        // Given a store written before the split
        using var temp = new TempDirectory();
        var directory = CopyFixture("store", temp);

        // When it is opened and read
        using (var store = SampleStore.Open(directory, Schema, Options))
        {
            // Then every live sample is there, with its label, features and JPEG, and nothing was skipped
            Assert.Empty(store.Statistics.Skipped);
            Assert.Equal([3L, 5, 6, 7, 8, 9, 10, 11, 12], store.Enumerate().Select(s => s.Id));
            Assert.Equal(["good", "dent", "good", "scratch", "dent", "good", "scratch", "dent", "scratch"], store.Enumerate().Select(s => s.Label));
            Assert.Equal([8f, 4f, -8f, 1f / 9], store.ReadFeatures(8)!);
            Assert.Equal([0xFF, 0xD8, 0xFF, 8, 1, 2, 3], store.ReadJpeg(8)!);
            var all = store.ReadAll();
            Assert.Equal([0L, 2, 0, 1, 2, 0, 1, 2, 1], all.Labels);
            Assert.Equal([8f, 8f, 8f, 8f], all.FeaturesOf(8).ToArray());

            // And a new sample goes after them, evicting the oldest of its class
            Assert.Equal(13, store.Add("good", [1, 2, 3, 4], "new-frame").Id);
        }

        using var reopened = SampleStore.Open(directory, Schema, Options);
        Assert.Equal([5L, 6, 7, 8, 9, 10, 11, 12, 13], reopened.Enumerate().Select(s => s.Id));
        Assert.Equal([1f, 2f, 3f, 4f], reopened.ReadFeatures(13)!);
    }

    [Fact]
    public void HeadRegistry_OpensAnOlderRegistry_WithItsVersionsAndMetrics_AndRollsBackFromIt()
    {
        // Given a head registry written before the split: v0001 … v0004, then a rollback to v0003 as v0005
        using var temp = new TempDirectory();
        using var registry = HeadRegistry.Open(CopyFixture("heads", temp), "bundle-x");

        // Then the versions, the head in service and its metrics read as they were written
        Assert.Empty(registry.Issues);
        Assert.Equal([1, 2, 3, 4, 5], registry.Versions.Select(v => v.Number));
        var current = registry.Current!;
        Assert.Equal((HeadSource.Rollback, 2, 3), (current.Source, current.Previous!.Value, current.RestoredFrom!.Value));
        Assert.Equal(0.8, current.Metrics!.ValidationAccuracy);
        Assert.Equal([new ClassMetrics("good", 0.9, 10), new ClassMetrics("scratch", 1.0 / 3, 10)], current.Metrics.PerClass);
        Assert.Equal("v0002", registry.Previous!.Name);
        Assert.Equal(3f, registry.ReadCurrent().Parameters[0].Data[0]);

        // When it rolls back once more
        var rolledBack = registry.Rollback();

        // Then the copy of v0002 is in service, with v0002's metrics
        Assert.Equal(("v0006", 2, 1), (rolledBack.Name, rolledBack.RestoredFrom!.Value, rolledBack.Previous!.Value));
        Assert.Equal(0.7, rolledBack.Metrics!.ValidationAccuracy);
        Assert.Equal("2", registry.ReadCurrent().Metadata["test.seed"]);
    }

    [Fact]
    public void AnomalyModelRegistry_OpensAnOlderRegistry_WithItsModels_AndRollsBackFromIt()
    {
        // Given an anomaly registry written before the split: three fitted models
        using var temp = new TempDirectory();
        using var registry = AnomalyModelRegistry.Open(CopyFixture("anomaly", temp), "bundle-x");

        // Then the versions and the model in service read as they were written
        Assert.Empty(registry.Issues);
        Assert.Equal(["a0001", "a0002", "a0003"], registry.Versions.Select(v => v.Name));
        var current = registry.Current!;
        Assert.Equal((AnomalyModelSource.Fitted, 2, 52), (current.Source, current.Previous!.Value, current.BankPatches));
        Assert.Equal(0.0, current.HeldOutFalseRejectRate);
        Assert.Equal(1.0908288f, current.Threshold);
        Assert.Equal(52, registry.ReadCurrent()!.Bank.Count);

        // When it rolls back
        var rolledBack = registry.Rollback();

        // Then a copy of a0002 is in service
        Assert.Equal(("a0004", AnomalyModelSource.Rollback, 2, 1), (rolledBack.Name, rolledBack.Source, rolledBack.RestoredFrom!.Value, rolledBack.Previous!.Value));
        Assert.Equal(1.2387364f, registry.ReadCurrent()!.Threshold.Value);
    }

    private static string CopyFixture(string name, TempDirectory temp)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "before-split", name);
        var target = temp.Combine(name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
