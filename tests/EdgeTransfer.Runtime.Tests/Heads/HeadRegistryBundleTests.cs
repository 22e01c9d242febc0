using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Heads;

public class HeadRegistryBundleTests
{
    [Fact]
    public void OpenForBundle_PutsTheBundlesCheckpointInService_OnlyTheFirstTime()
    {
        // Given a verified bundle and an empty heads directory
        using var temp = new TempDirectory();
        var bundle = TestBundle.Write(temp.Combine("bundle"));

        // When the registry is opened for it twice, with a promotion in between
        using (var registry = HeadRegistry.OpenForBundle(temp.Combine("state", "heads"), bundle))
        {
            Assert.Equal(HeadSource.Initial, registry.Current!.Source);
            Assert.Equal(["head.weight", "head.bias"], registry.ReadCurrent().Parameters.Select(p => p.Name));
            registry.Promote(registry.ReadCurrent(), SeededCheckpoints.Metrics(0.9));
        }

        using var reopened = HeadRegistry.OpenForBundle(temp.Combine("state", "heads"), bundle);

        // Then the promoted head is still in service: the bundle's head is not put back
        Assert.Equal(2, reopened.Current!.Number);
        Assert.Equal(bundle.Manifest.BundleId, reopened.BundleId);
    }

    [Fact]
    public void SampleStoreSchema_FromManifest_TakesSizeClassesAndBackboneDigest()
    {
        using var temp = new TempDirectory();
        var bundle = TestBundle.Write(temp.Combine("bundle"));
        var schema = SampleStoreSchema.FromManifest(bundle.Manifest, BundleRoles.Backbone);
        Assert.Equal(TestBundle.Features, schema.FeatureDimension);
        Assert.Equal(TestBundle.Classes, schema.Classes);
        Assert.Equal(bundle.Manifest.FindFile(BundleRoles.Backbone)!.Sha256, schema.FeatureSource);
    }
}
