using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Storage;

/// <summary>Store files that are symbolic links out of the store's folder: refused by name, never read, written or shown.</summary>
public class SampleStoreLinkTests
{
    private const string Secret = "root:$6$SECRET-HASH:19000:0:99999:7:::";
    private static readonly SampleStoreSchema Schema = new(4, ["good", "scratch"], new string('a', 64));

    [UnixFact]
    public void Open_SkipsASegmentLinkedOutOfTheFolder_NamesIt_AndNeverWritesThroughIt()
    {
        // Given a store with two segments, the second replaced by a link to a secret file outside
        using var temp = new TempDirectory();
        var store = temp.Combine("samples");
        Seed(store, segments: 2);
        var secret = WriteSecret(temp);
        var linked = Segments(store)[^1];
        File.Delete(linked);
        File.CreateSymbolicLink(linked, secret);

        // When the store is opened and a sample is added
        using (var opened = SampleStore.Open(store, Schema, Options()))
        {
            // Then the link is skipped by name as leading out, the other segment's samples are there, the secret is not shown
            var skipped = Assert.Single(opened.Statistics.Skipped);
            Assert.Equal(Path.GetFileName(linked), skipped.SegmentFile);
            Assert.Contains("symbolic link that leads out", skipped.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("root", skipped.ToString(), StringComparison.Ordinal);
            Assert.True(opened.Enumerate().Count > 0);
            opened.Add("good", [1, 2, 3, 4], "after-link");
        }

        // And the new sample went to a new segment: the link's target is unchanged
        Assert.Equal(Secret, File.ReadAllText(secret));
        Assert.True(new FileInfo(linked).LinkTarget is not null);
    }

    [UnixFact]
    public void Open_RefusesADescriptorLinkedOutOfTheFolder_NamingIt_WithoutShowingWhatItPointsAt()
    {
        using var temp = new TempDirectory();
        var store = temp.Combine("samples");
        Seed(store, segments: 1);
        var secret = WriteSecret(temp);
        var descriptor = Path.Combine(store, "store.json");
        File.Delete(descriptor);
        File.CreateSymbolicLink(descriptor, secret);

        var error = Assert.Throws<SampleStoreException>(() => SampleStore.Open(store, Schema, Options()));

        Assert.Contains("store.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link that leads out", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root", error.Message, StringComparison.Ordinal);
        Assert.Equal(Secret, File.ReadAllText(secret));
    }

    [UnixFact]
    public void Open_RefusesALockFileLinkedOutOfTheFolder_AndCreatesNothingAtItsTarget()
    {
        // Given .lock replaced by a link to a file that does not exist yet outside the store
        using var temp = new TempDirectory();
        var store = temp.Combine("samples");
        Seed(store, segments: 1);
        var target = temp.Combine("elsewhere.lock");
        var lockFile = Path.Combine(store, ".lock");
        File.Delete(lockFile);
        File.CreateSymbolicLink(lockFile, target);

        var error = Assert.Throws<SampleStoreException>(() => SampleStore.Open(store, Schema, Options()));

        Assert.Contains(".lock", error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link that leads out", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target), "opening the lock created the link's target outside the store");
    }

    [UnixFact]
    public void Open_ReadsASegmentLinkThatStaysInsideTheFolder()
    {
        // Given the only segment moved to another name in the folder and linked back
        using var temp = new TempDirectory();
        var store = temp.Combine("samples");
        var count = Seed(store, segments: 1);
        var segment = Segments(store)[0];
        var kept = Path.Combine(store, "kept.bin");
        File.Move(segment, kept);
        File.CreateSymbolicLink(segment, kept);

        using var opened = SampleStore.Open(store, Schema, Options());

        Assert.Equal(count, opened.Enumerate().Count);
        Assert.Equal(0, opened.Statistics.SkippedRecords);
    }

    // Small segments, so a few samples fill more than one.
    private static SampleStoreOptions Options() => new() { SegmentBytes = 64 * 1024 };

    private static int Seed(string directory, int segments)
    {
        using var store = SampleStore.Open(directory, Schema, Options());
        var count = 0;
        var jpeg = new byte[8 * 1024];
        jpeg[0] = 0xFF;
        jpeg[1] = 0xD8;
        jpeg[2] = 0xFF;
        while (Segments(directory).Length < segments || count < 4)
        {
            store.Add(count % 2 == 0 ? "good" : "scratch", [count, 1, 2, 3], $"frame-{count}", jpeg);
            count++;
        }

        return count;
    }

    private static string[] Segments(string directory) => [.. Directory.GetFiles(directory, "seg-*").Order(StringComparer.Ordinal)];

    private static string WriteSecret(TempDirectory temp)
    {
        var secret = temp.Combine("shadow");
        File.WriteAllText(secret, Secret);
        return secret;
    }
}
