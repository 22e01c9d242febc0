using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Heads;

/// <summary>State files that are symbolic links out of the registry's folder: refused, and their content never shown.</summary>
public class HeadRegistryLinkTests
{
    private const string Secret = "root:$6$SECRET-HASH:19000:0:99999:7:::";

    [Fact]
    public void Open_RefusesACheckpointLinkedOutOfTheFolder_WithoutShowingWhatItPointsAt()
    {
        // Given v0001, v0002 (in service), and v0002.etck replaced by a link to a secret file outside
        using var temp = new TempDirectory();
        var heads = Seed(temp);
        var secret = temp.Combine("shadow");
        File.WriteAllText(secret, Secret);
        File.Delete(Path.Combine(heads, "v0002.etck"));
        File.CreateSymbolicLink(Path.Combine(heads, "v0002.etck"), secret);

        // When the registry is opened
        using var registry = HeadRegistry.Open(heads, SeededCheckpoints.BundleId);

        // Then the link is refused as leading out, v0001 serves, and no message holds the secret's bytes
        Assert.Equal(1, registry.Current!.Number);
        Assert.Contains(registry.Issues, i => i.Contains("v0002.etck", StringComparison.Ordinal) && i.Contains("symbolic link that leads out", StringComparison.Ordinal));
        Assert.DoesNotContain(registry.Issues, i => i.Contains("root", StringComparison.Ordinal));
        Assert.Equal(Secret, File.ReadAllText(secret));
    }

    [Fact]
    public void Open_RefusesAPointerLinkedOutOfTheFolder_WithoutShowingWhatItPointsAt()
    {
        // Given two versions and a pointer that is a link to a secret file outside
        using var temp = new TempDirectory();
        var heads = Seed(temp);
        var secret = temp.Combine("shadow");
        File.WriteAllText(secret, Secret);
        File.Delete(Path.Combine(heads, HeadRegistry.PointerFileName));
        File.CreateSymbolicLink(Path.Combine(heads, HeadRegistry.PointerFileName), secret);

        // When the registry is opened
        using var registry = HeadRegistry.Open(heads, SeededCheckpoints.BundleId);

        // Then the newest intact head serves, the link is reported, its target is untouched and never shown
        Assert.Equal(2, registry.Current!.Number);
        Assert.Contains(registry.Issues, i => i.Contains("symbolic link that leads out", StringComparison.Ordinal));
        Assert.DoesNotContain(registry.Issues, i => i.Contains("root", StringComparison.Ordinal));
        Assert.Equal(Secret, File.ReadAllText(secret));
    }

    [Fact]
    public void Open_AcceptsACheckpointLinkThatStaysInsideTheFolder()
    {
        // Given v0002.etck replaced by a link to a copy of itself inside the folder
        using var temp = new TempDirectory();
        var heads = Seed(temp);
        var copy = Path.Combine(heads, "kept.bin");
        File.Move(Path.Combine(heads, "v0002.etck"), copy);
        File.CreateSymbolicLink(Path.Combine(heads, "v0002.etck"), copy);

        // When the registry is opened
        using var registry = HeadRegistry.Open(heads, SeededCheckpoints.BundleId);

        // Then it is read as before
        Assert.Equal(2, registry.Current!.Number);
        Assert.True(SeededCheckpoints.IsConsistent(registry.ReadCurrent()));
    }

    private static string Seed(TempDirectory temp)
    {
        var heads = temp.Combine("heads");
        using var registry = HeadRegistry.Open(heads, SeededCheckpoints.BundleId);
        registry.Initialize(SeededCheckpoints.Checkpoint(1));
        registry.Promote(SeededCheckpoints.Checkpoint(2), SeededCheckpoints.Metrics(0.9));
        return heads;
    }
}
