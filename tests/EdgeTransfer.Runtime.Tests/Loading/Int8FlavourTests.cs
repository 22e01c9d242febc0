using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Loading;

/// <summary>A profile names the INT8 flavours its platform runs well; a bundle of another flavour is refused.</summary>
public class Int8FlavourTests
{
    [Theory]
    [InlineData("uint8", null, true)]
    [InlineData("int8", null, true)]
    [InlineData("uint8", new[] { "uint8" }, true)]
    [InlineData("int8", new[] { "uint8", "int8" }, true)]
    [InlineData("int8", new[] { "uint8" }, false)]
    [InlineData("uint8", new[] { "int8" }, false)]
    public void EnsureInt8FlavourAccepted_PassesOnlyTheFlavoursTheProfileAccepts(string flavour, string[]? accepted, bool passes)
    {
        // Given an INT8 bundle of one flavour, opened with the INT8 backbone
        using var temp = new TempDirectory();
        TestBundle.Write(temp.Combine("bundle"), int8Activations: flavour);
        var bundle = DeviceBundle.Open(temp.Combine("bundle"), BackboneChoice.Quantized);

        // When the profile's accepted flavours are checked
        var error = Record.Exception(() => bundle.EnsureInt8FlavourAccepted(accepted));

        // Then it passes, or is refused naming the bundle, its flavour and the setting
        if (passes)
        {
            Assert.Null(error);
            return;
        }

        var refused = Assert.IsType<BundleException>(error);
        Assert.Contains(temp.Combine("bundle"), refused.Message, StringComparison.Ordinal);
        Assert.Contains($"has {flavour} activations", refused.Message, StringComparison.Ordinal);
        Assert.Contains("bundle.int8Activations accepts only", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'--activations {accepted![0]}'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureInt8FlavourAccepted_IgnoresTheFlavour_WhenTheFloatBackboneRuns()
    {
        using var temp = new TempDirectory();
        TestBundle.Write(temp.Combine("bundle"), int8Activations: "int8");
        var bundle = DeviceBundle.Open(temp.Combine("bundle"), BackboneChoice.FullPrecision);

        bundle.EnsureInt8FlavourAccepted(["uint8"]);
    }

    [Fact]
    public void DeviceHostOpen_RefusesABundleOfAFlavourTheProfileRefuses_BeforeAnyStateIsMade()
    {
        // Given an S8S8 bundle and a device profile that accepts only U8S8
        using var temp = new TempDirectory();
        TestBundle.Write(temp.Combine("bundle"), int8Activations: "int8");
        var options = new DeviceOptions
        {
            Bundle = new BundleOptions { Path = temp.Combine("bundle"), Int8Activations = ["uint8"] },
            Store = new StoreOptions { Path = temp.Combine("state") },
        };

        // When the device opens
        var refused = Assert.Throws<BundleException>(() => DeviceHost.Open(options));

        // Then it is refused with the reason, and no state was created for the refused bundle
        Assert.Contains("has int8 activations (S8S8)", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("state", "heads")));
    }
}
