using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Heads;

public class HeadRegistryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Initialize_ThenPromote_ThenReopen_ServesTheNewHeadWithItsMetrics()
    {
        // Given a registry holding the bundle's initial head
        using var temp = new TempDirectory();
        var time = new ManualTimeProvider(Start);
        var metrics = SeededCheckpoints.Metrics(0.9, 30, ("good", 1.0, 10), ("scratch", 0.8, 10), ("dent", 0.9, 10));
        using (var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId, timeProvider: time))
        {
            Assert.Null(registry.Current);
            var initial = registry.Initialize(SeededCheckpoints.Checkpoint(1));
            Assert.Equal(HeadSource.Initial, initial.Source);

            // When a trained head is promoted
            time.Advance(TimeSpan.FromHours(1));
            var promoted = registry.Promote(SeededCheckpoints.Checkpoint(2), metrics);
            Assert.Equal("v0002", promoted.Name);
        }

        // Then after a restart it is in service, whole, with its metadata
        using var reopened = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);
        var current = reopened.Current!;
        Assert.Equal(2, current.Number);
        Assert.Equal(HeadSource.Trained, current.Source);
        Assert.Equal(1, current.Previous);
        Assert.Equal(Start.AddHours(1), current.CreatedAt);
        Assert.Equal(metrics.ValidationAccuracy, current.Metrics!.ValidationAccuracy);
        Assert.Equal(metrics.PerClass, current.Metrics.PerClass);
        Assert.Equal(120, current.Metrics.TrainingSamples);
        Assert.Equal("v0002\n", File.ReadAllText(Path.Combine(temp.Path, "current")));
        var checkpoint = reopened.ReadCurrent();
        Assert.True(SeededCheckpoints.IsConsistent(checkpoint));
        Assert.Equal("2", checkpoint.Metadata[SeededCheckpoints.SeedKey]);
        Assert.Empty(reopened.Issues);
    }

    [Fact]
    public void Rollback_ReturnsToThePreviousHead_AsANewVersion_AndAgainGoesFurtherBack()
    {
        // Given three versions: initial, trained A, trained B
        using var temp = new TempDirectory();
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);
        registry.Initialize(SeededCheckpoints.Checkpoint(1));
        registry.Promote(SeededCheckpoints.Checkpoint(2), SeededCheckpoints.Metrics(0.8));
        registry.Promote(SeededCheckpoints.Checkpoint(3), SeededCheckpoints.Metrics(0.9));

        // When rolled back once
        var first = registry.Rollback();

        // Then A is in service again, as v0004, a rollback of v0002
        Assert.Equal(4, first.Number);
        Assert.Equal(HeadSource.Rollback, first.Source);
        Assert.Equal(2, first.RestoredFrom);
        Assert.Equal("2", registry.ReadCurrent().Metadata[SeededCheckpoints.SeedKey]);
        Assert.Equal(0.8, first.Metrics!.ValidationAccuracy);

        // When rolled back again: the initial head, and then there is nothing before it
        var second = registry.Rollback();
        Assert.Equal(1, second.RestoredFrom);
        Assert.Equal("1", registry.ReadCurrent().Metadata[SeededCheckpoints.SeedKey]);
        var error = Assert.Throws<HeadRegistryException>(registry.Rollback);
        Assert.Contains("no earlier head", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, registry.Current!.Number);
    }

    [Fact]
    public void Promote_KeepsTheLastN_AndNeverDeletesTheCurrentOrThePrevious()
    {
        // Given a registry that keeps two versions
        using var temp = new TempDirectory();
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId, new HeadRegistryOptions { KeepHeads = 2 });
        registry.Initialize(SeededCheckpoints.Checkpoint(1));

        // When five heads are promoted
        for (var i = 2; i <= 6; i++)
        {
            registry.Promote(SeededCheckpoints.Checkpoint(i), SeededCheckpoints.Metrics(0.9));
        }

        // Then the newest two are on the disk, and the one before them that a second rollback needs
        Assert.Equal(["v0004.etck", "v0005.etck", "v0006.etck"], VersionFiles(temp.Path));

        // When rolled back (v0007 = v0005, whose previous is v0004) and then promoted again
        registry.Rollback();
        Assert.Equal(5, registry.Current!.RestoredFrom);
        Assert.Equal(["v0004.etck", "v0006.etck", "v0007.etck"], VersionFiles(temp.Path));
        registry.Promote(SeededCheckpoints.Checkpoint(8), SeededCheckpoints.Metrics(0.9));

        // Then the current (v0008), its previous (v0007) and the one before (v0004) are kept
        Assert.Equal(["v0004.etck", "v0007.etck", "v0008.etck"], VersionFiles(temp.Path));
        Assert.Equal(7, registry.Previous!.Number);
    }

    [Fact]
    public void Promote_KeepsAnOldPreviousHead_EvenBeyondN()
    {
        // Given KeepHeads = 2 and a rollback whose previous is old
        using var temp = new TempDirectory();
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId, new HeadRegistryOptions { KeepHeads = 2 });
        registry.Initialize(SeededCheckpoints.Checkpoint(1));
        registry.Promote(SeededCheckpoints.Checkpoint(2), SeededCheckpoints.Metrics(0.9));
        registry.Promote(SeededCheckpoints.Checkpoint(3), SeededCheckpoints.Metrics(0.9));

        // When rolled back: v0004 restores v0002, whose previous is v0001
        registry.Rollback();

        // Then v0001 is kept although it is not among the newest two, so a second rollback works
        Assert.Contains("v0001.etck", VersionFiles(temp.Path));
        Assert.Equal(1, registry.Rollback().RestoredFrom);
    }

    [Fact]
    public void Open_AfterKillDuringPromotion_ServesTheLastPromotedHead_AndCleansUp()
    {
        // Given v0001..v0003 promoted, then a promotion of v0004 cut off by kill -9:
        // a temporary checkpoint, a truncated v0004.etck, and the pointer still naming v0003
        using var temp = new TempDirectory();
        PromoteSeeds(temp.Path, 1, 2, 3);
        File.WriteAllBytes(Path.Combine(temp.Path, "v0004.etck.5e6f7a8b" + AtomicFile.TempSuffix), new byte[100]);
        var full = File.ReadAllBytes(Path.Combine(temp.Path, "v0003.etck"));
        File.WriteAllBytes(Path.Combine(temp.Path, "v0004.etck"), full[..(full.Length / 2)]);
        File.WriteAllBytes(Path.Combine(temp.Path, "current.9a8b7c6d" + AtomicFile.TempSuffix), "v00"u8.ToArray());

        // When the registry is opened
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);

        // Then v0003 is in service, whole, and the leftovers are gone and reported
        Assert.Equal(3, registry.Current!.Number);
        Assert.True(SeededCheckpoints.IsConsistent(registry.ReadCurrent()));
        Assert.Equal(["v0001.etck", "v0002.etck", "v0003.etck"], VersionFiles(temp.Path));
        Assert.Empty(Directory.GetFiles(temp.Path, "*" + AtomicFile.TempSuffix));
        Assert.Contains(registry.Issues, i => i.Contains("v0004.etck", StringComparison.Ordinal) && i.Contains("did not finish", StringComparison.Ordinal));

        // And the next promotion works and takes the next number
        Assert.Equal(4, registry.Promote(SeededCheckpoints.Checkpoint(4), SeededCheckpoints.Metrics(0.9)).Number);
    }

    [Fact]
    public void Open_WithAnIntactCheckpointButStalePointer_ServesThePointedHead()
    {
        // Given a kill between writing v0003 (whole) and switching the pointer (still v0002)
        using var temp = new TempDirectory();
        PromoteSeeds(temp.Path, 1, 2, 3);
        File.WriteAllText(Path.Combine(temp.Path, "current"), "v0002\n");

        // When the registry is opened
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);

        // Then v0002 is in service: v0003 was never promoted, and it is removed
        Assert.Equal(2, registry.Current!.Number);
        Assert.Equal(["v0001.etck", "v0002.etck"], VersionFiles(temp.Path));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("delete")]
    public void Open_WithTheCurrentHeadDamaged_FallsBackToTheNewestIntactOne_AndRepairsThePointer(string damage)
    {
        // Given v0001..v0003 with v0003 (the current) damaged
        using var temp = new TempDirectory();
        PromoteSeeds(temp.Path, 1, 2, 3);
        var path = Path.Combine(temp.Path, "v0003.etck");
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(path, bytes[..^40]);
                break;
            case "flip":
                bytes[bytes.Length / 2] ^= 1;
                File.WriteAllBytes(path, bytes);
                break;
            default:
                File.Delete(path);
                break;
        }

        // When the registry is opened
        using (var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId))
        {
            // Then v0002 is in service, the damage is reported, and the pointer names v0002
            Assert.Equal(2, registry.Current!.Number);
            Assert.True(SeededCheckpoints.IsConsistent(registry.ReadCurrent()));
            Assert.Contains(registry.Issues, i => i.Contains("fell back to v0002", StringComparison.Ordinal));
            Assert.Equal("v0002\n", File.ReadAllText(Path.Combine(temp.Path, "current")));

            // And the next promotion never reuses the damaged file's number
            Assert.Equal(damage == "delete" ? 3 : 4, registry.Promote(SeededCheckpoints.Checkpoint(9), SeededCheckpoints.Metrics(0.9)).Number);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("v00")]
    [InlineData("garbage\u0001")]
    [InlineData(null)]
    public void Open_WithAnUnusablePointer_ServesTheNewestIntactHead(string? pointerText)
    {
        // Given three versions and a pointer that is empty, cut, garbage, or missing
        using var temp = new TempDirectory();
        PromoteSeeds(temp.Path, 1, 2, 3);
        var pointerPath = Path.Combine(temp.Path, "current");
        if (pointerText is null)
        {
            File.Delete(pointerPath);
        }
        else
        {
            File.WriteAllText(pointerPath, pointerText);
        }

        // When the registry is opened
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);

        // Then the newest intact head is served and the problem is reported
        Assert.Equal(3, registry.Current!.Number);
        Assert.NotEmpty(registry.Issues);
        Assert.Equal("v0003\n", File.ReadAllText(pointerPath));
    }

    [Fact]
    public void Open_IgnoresHeadsOfAnotherBundle()
    {
        // Given heads written for another bundle
        using var temp = new TempDirectory();
        PromoteSeeds(temp.Path, 1, 2);

        // When the registry is opened for this bundle
        using var registry = HeadRegistry.Open(temp.Path, "another-bundle");

        // Then none is served, and each is reported as belonging elsewhere
        Assert.Null(registry.Current);
        Assert.Contains(registry.Issues, i => i.Contains("belongs to bundle", StringComparison.Ordinal));
    }

    [Fact]
    public void Promote_WithAnotherHeadShape_ThrowsAndKeepsTheCurrentHead()
    {
        using var temp = new TempDirectory();
        using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);
        registry.Initialize(SeededCheckpoints.Checkpoint(1));
        var error = Assert.Throws<ArgumentException>(() => registry.Promote(SeededCheckpoints.Checkpoint(2, features: 16), SeededCheckpoints.Metrics(0.9)));
        Assert.Contains("head.weight[16,3]", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, registry.Current!.Number);
        Assert.Equal(["v0001.etck"], VersionFiles(temp.Path));
    }

    [Fact]
    public void Open_WhileOpenElsewhere_Throws()
    {
        using var temp = new TempDirectory();
        using var first = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);
        Assert.Throws<HeadRegistryException>(() => HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId));
    }

    [Fact]
    public void Options_RejectKeepingFewerThanTwoHeads()
    {
        var error = Assert.Throws<InvalidSettingException>(() => new HeadRegistryOptions { KeepHeads = 1 }.Validate());
        Assert.Equal("HeadRegistryOptions.KeepHeads", error.Setting);
    }

    private static void PromoteSeeds(string directory, params int[] seeds)
    {
        using var registry = HeadRegistry.Open(directory, SeededCheckpoints.BundleId, new HeadRegistryOptions { KeepHeads = 10 });
        registry.Initialize(SeededCheckpoints.Checkpoint(seeds[0]));
        foreach (var seed in seeds.Skip(1))
        {
            registry.Promote(SeededCheckpoints.Checkpoint(seed), SeededCheckpoints.Metrics(0.9));
        }
    }

    private static string[] VersionFiles(string directory) =>
        [.. Directory.GetFiles(directory, "v*.etck").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
