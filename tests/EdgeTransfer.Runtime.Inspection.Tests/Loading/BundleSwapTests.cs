using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Inspection.Tests.Support;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Inspection.Tests.Loading;

[Collection(SharedBundle.Name)]
public sealed class BundleSwapTests(PreparedBundle prepared)
{
    [Fact]
    public async Task TryDeploy_RefusesTamperedBundle_AndTheOldOneKeepsServing()
    {
        // Given a bundle in service with inspection running on it
        using var temp = new TempDirectory();
        var swap = new BundleSwap(DeviceBundle.Open(prepared.Directory));
        var inService = swap.Current;
        using var pipeline = Pipelines.Create(inService);
        await using var source = new ScriptedFrameSource([ScriptedFrame.Solid(40, "good"), ScriptedFrame.Solid(200, "good")], loop: true);
        await using var loop = new InspectionLoop(pipeline, source);
        loop.Start();
        await Wait.Until(() => loop.Metrics.Frames >= 3, "the first verdicts");

        // and a new bundle whose INT8 backbone was changed by one byte after it was prepared
        var tampered = prepared.CopyTo(temp.Combine("new-bundle"));
        var file = Path.Combine(tampered, "backbone.int8.onnx");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(file, bytes);

        // When it is deployed
        var result = swap.TryDeploy(tampered);

        // Then it is refused with the file and the reason, and the old bundle stays in service and keeps inspecting
        Assert.False(result.Accepted);
        Assert.Contains("backbone.int8.onnx", result.Reason, StringComparison.Ordinal);
        Assert.Contains("sha256", result.Reason, StringComparison.Ordinal);
        Assert.IsType<BundleException>(result.Error);
        Assert.Same(inService, swap.Current);
        Assert.Same(inService, result.Current);
        Assert.Equal(1, swap.Refused);
        var before = loop.Metrics.Frames;
        await Wait.Until(() => loop.Metrics.Frames >= before + 3, "verdicts after the refusal");
        Assert.Equal(0, loop.Metrics.Errors);
    }

    [Fact]
    public void TryDeploy_PutsValidBundleInService_AndRaisesSwapped()
    {
        // Given a bundle in service and a valid copy of it elsewhere
        using var temp = new TempDirectory();
        var swap = new BundleSwap(DeviceBundle.Open(prepared.Directory));
        var old = swap.Current;
        var copy = prepared.CopyTo(temp.Combine("copy"));
        BundleSwappedEventArgs? raised = null;
        swap.Swapped += (_, e) => raised = e;

        // When it is deployed
        var result = swap.TryDeploy(copy);

        // Then it is in service, and subscribers heard of it
        Assert.True(result.Accepted);
        Assert.Null(result.Reason);
        Assert.Same(result.Current, swap.Current);
        Assert.NotSame(old, swap.Current);
        Assert.Same(old, raised!.Previous);
        Assert.Same(swap.Current, raised.Current);
    }

    [Fact]
    public void TryDeploy_RefusesBundle_WhoseAcceptanceCheckFails()
    {
        // Given a bundle in service, and an acceptance check that makes the backbone session with CUDA (not in this ORT)
        var swap = new BundleSwap(DeviceBundle.Open(prepared.Directory));
        var old = swap.Current;

        // When a valid bundle is deployed with that check
        var result = swap.TryDeploy(prepared.Directory, accept: b => b.CreateBackbone(new BackboneOptions { ExecutionProvider = ExecutionProviderKind.Cuda }).Dispose());

        // Then it is refused with the provider named, and the old one stays
        Assert.False(result.Accepted);
        Assert.IsType<ExecutionProviderUnavailableException>(result.Error);
        Assert.Contains("'cuda'", result.Reason, StringComparison.Ordinal);
        Assert.Same(old, swap.Current);
    }

    [Fact]
    public void TryDeploy_RefusesMissingDirectory_WithTheReason()
    {
        // Given a bundle in service
        using var temp = new TempDirectory();
        var swap = new BundleSwap(DeviceBundle.Open(prepared.Directory));

        // When a directory that does not exist is deployed
        var result = swap.TryDeploy(temp.Combine("nothing-here"));

        // Then it is refused, saying so
        Assert.False(result.Accepted);
        Assert.Contains("does not exist", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ChoosesInt8_UnlessFullPrecisionIsAsked()
    {
        // Given a bundle with both backbones
        // When it is opened with each choice
        var auto = DeviceBundle.Open(prepared.Directory);
        var quantized = DeviceBundle.Open(prepared.Directory, BackboneChoice.Quantized);
        var full = DeviceBundle.Open(prepared.Directory, BackboneChoice.FullPrecision);

        // Then INT8 is preferred, and float runs when asked for
        Assert.Equal(BundleRoles.BackboneInt8, auto.BackboneRole);
        Assert.True(auto.IsInt8);
        Assert.Equal(BundleRoles.BackboneInt8, quantized.BackboneRole);
        Assert.Equal(BundleRoles.Backbone, full.BackboneRole);
        Assert.EndsWith("backbone.onnx", full.BackbonePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateBackbone_Refuses_WhenTheFileChangedAfterVerification()
    {
        // Given a verified bundle
        using var temp = new TempDirectory();
        var copy = prepared.CopyTo(temp.Combine("copy"));
        var bundle = DeviceBundle.Open(copy);

        // When its backbone changes afterwards (same size, one byte)
        var file = Path.Combine(copy, "backbone.int8.onnx");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^10] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);

        // Then no session is made from the changed bytes
        var error = Assert.Throws<BundleException>(() => bundle.CreateBackbone());
        Assert.Contains("changed after the bundle was verified", error.Message, StringComparison.Ordinal);
        Assert.Equal("backbone.int8.onnx", error.FileName);
    }
}
