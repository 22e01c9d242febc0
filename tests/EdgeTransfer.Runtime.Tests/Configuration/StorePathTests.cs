using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Configuration;

/// <summary>store.path must be a folder of its own: not the bundle folder, not inside it, not a file.</summary>
public class StorePathTests
{
    [Theory]
    [InlineData("""{ "bundle": { "path": "line3" }, "store": { "path": "./line3/" } }""", "is the bundle folder")]
    [InlineData("""{ "bundle": { "path": "line3" }, "store": { "path": "line3/state" } }""", "lies inside the bundle folder")]
    public void Load_RefusesAStoreInTheBundleFolder(string json, string reason)
    {
        // Given a device.json whose store is the bundle folder or lies in it
        using var temp = new TempDirectory();
        var path = temp.Combine("device.json");
        File.WriteAllText(path, json);

        // When it is loaded, with or without the file checks
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path));
        var unchecked_ = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path, checkFiles: false));

        // Then store.path is named with the reason
        Assert.Equal("device.json: store.path", error.Setting);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Contains(temp.Combine("line3"), error.Reason, StringComparison.Ordinal);
        Assert.Equal(error.Message, unchecked_.Message);
    }

    [Fact]
    public void Load_RefusesAStoreEqualToAnAbsoluteBundlePath_GivenRelatively()
    {
        // Given the bundle as an absolute path and the store as the same folder relative to device.json
        using var temp = new TempDirectory();
        var path = temp.Combine("device.json");
        File.WriteAllText(path, $$"""{ "bundle": { "path": "{{temp.Combine("line3").Replace("\\", "\\\\", StringComparison.Ordinal)}}" }, "store": { "path": "line3" } }""");

        // When it is loaded / Then it is refused
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path, checkFiles: false));
        Assert.Contains("is the bundle folder", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OfAStoreThatIsAFile_SaysItIsAFile_NotThatItIsInUse()
    {
        // Given a store path that is a regular file
        using var temp = new TempDirectory();
        var store = temp.Combine("state");
        File.WriteAllText(store, "not a folder");

        // When the heads folder under it is opened
        var error = Assert.Throws<HeadRegistryException>(() => HeadRegistry.Open(Path.Combine(store, "heads"), SeededCheckpoints.BundleId));

        // Then the reason names the file, and nothing was changed
        Assert.Contains($"'{store}' is a file, not a directory", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("in use", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(store));
    }
}
