using System.Text.Json.Nodes;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

/// <summary>The manifest's <c>patchFeatures</c> section (format 2) and the format-1 bundles written before it.</summary>
public class PatchFeaturesManifestTests
{
    [Fact]
    public void Format1Bundle_StillOpens_WithoutPatchFeatures()
    {
        // Given a bundle whose manifest is format 1, as written before patch features existed (no key at all)
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        BundleReaderTests.RewriteManifest(dir, m =>
        {
            m["formatVersion"] = 1;
            m.Remove("patchFeatures");
        });

        // When it is opened
        var bundle = BundleReader.Open(dir);

        // Then it loads as format 1 with no patch layers
        Assert.Equal(1, bundle.Manifest.FormatVersion);
        Assert.Null(bundle.Manifest.PatchFeatures);
    }

    [Fact]
    public void Section_RoundTrips()
    {
        // Given a bundle with two patch layers
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        BundleReaderTests.RewriteManifest(dir, m => m["patchFeatures"] = Section());

        // When it is opened
        var patch = BundleReader.Open(dir).Manifest.PatchFeatures;

        // Then the layers are read as written
        Assert.NotNull(patch);
        Assert.Equal(PatchFeaturesInfo.CurrentVersion, patch.Version);
        Assert.Equal(["patch_s2", "patch_s4"], patch.Layers.Select(l => l.Output));
        Assert.Equal(2, patch.Layers[0].Height);
        Assert.Equal(4, patch.Layers[1].Stride);
    }

    [Theory]
    [InlineData("version", "2", "patchFeatures.version", "Update the device software")]
    [InlineData("layers", "[]", "patchFeatures.layers", "expected 1 to 8 layers")]
    [InlineData("layers[0].output", "\"features\"", "patchFeatures.layers[0].output", "each layer needs its own output")]
    [InlineData("layers[1].output", "\"patch_s2\"", "patchFeatures.layers[1].output", "each layer needs its own output")]
    [InlineData("layers[0].height", "0", "patchFeatures.layers[0].height", "from 1 to 4, got 0")]
    [InlineData("layers[0].channels", "-3", "patchFeatures.layers[0].channels", "got -3")]
    [InlineData("layers[1].stride", "8", "patchFeatures.layers[1].stride", "got 8")]
    [InlineData("layers[0].name", "\"\"", "patchFeatures.layers[0].name", "empty text")]
    public void MalformedSection_IsRefused_NamingTheKey(string key, string value, string path, string reason)
    {
        // Given a bundle whose patch section has one bad value
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        var section = Section();
        Set(section, key, JsonNode.Parse(value));
        BundleReaderTests.RewriteManifest(dir, m => m["patchFeatures"] = section);

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the message names the key and the reason
        Assert.Contains($"'{path}'", error.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SectionInAFormat1Manifest_IsRefused()
    {
        // Given a format-1 manifest that nevertheless carries the format-2 section
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        BundleReaderTests.RewriteManifest(dir, m =>
        {
            m["formatVersion"] = 1;
            m["patchFeatures"] = Section();
        });

        // When it is opened
        var error = Assert.Throws<BundleException>(() => BundleReader.Open(dir));

        // Then the version mismatch is named
        Assert.Contains("'patchFeatures': needs formatVersion 2", error.Reason, StringComparison.Ordinal);
    }

    // TestBundles' input is 4×4: layers at strides 2 and 4.
    private static JsonObject Section() => new()
    {
        ["version"] = 1,
        ["layers"] = new JsonArray(Layer("ReLU315_Output_0", "patch_s2", 8, 2, 2), Layer("ReLU347_Output_0", "patch_s4", 16, 1, 4)),
    };

    private static JsonObject Layer(string name, string output, int channels, int side, int stride) => new()
    {
        ["name"] = name,
        ["output"] = output,
        ["channels"] = channels,
        ["height"] = side,
        ["width"] = side,
        ["stride"] = stride,
    };

    private static void Set(JsonObject section, string key, JsonNode? value)
    {
        if (key.StartsWith("layers[", StringComparison.Ordinal))
        {
            var index = key[7] - '0';
            section["layers"]![index]!.AsObject()[key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..]] = value;
        }
        else
        {
            section[key] = value;
        }
    }
}
