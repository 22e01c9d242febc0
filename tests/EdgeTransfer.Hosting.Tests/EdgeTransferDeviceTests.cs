using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeTransfer.Hosting.Tests;

/// <summary>The embedding entry point: AddEdgeTransferDevice, its start-time checks, and the device façade.</summary>
public sealed class EdgeTransferDeviceTests(HostingFixture fixture) : IClassFixture<HostingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReplayedFolder_GivesOneVerdictPerImage_ThroughTheStreamAndTheEvent_ThenEnds()
    {
        // Given an application with the device on a folder replayed once
        using var state = new TempDirectory();
        using var host = BuildHost(fixture.Bundle, state.Path, new InMemoryLoggerProvider());
        var device = host.Services.GetRequiredService<IInspectionDevice>();
        var events = 0;
        device.VerdictReady += (_, _) => Interlocked.Increment(ref events);
        var stream = Collect(device);

        // When the host runs until the folder is done
        await host.StartAsync();
        var verdicts = await stream.WaitAsync(Timeout);
        await host.StopAsync();

        // Then every image got a verdict, in order, through both the stream and the event, and the stream ended by itself
        Assert.Equal(2 * HostingFixture.ImagesPerClass, verdicts.Count);
        Assert.Equal(verdicts.Count, Volatile.Read(ref events));
        Assert.Equal(verdicts.OrderBy(v => v.FrameId).Select(v => v.FrameId), verdicts.Select(v => v.FrameId));
        Assert.All(verdicts, v => Assert.Contains(v.ClassName, new[] { "good", "scratch" }));
        Assert.Equal(InspectionDeviceState.Stopped, device.State);
        Assert.Null(device.Host);
    }

    [Fact]
    public async Task BundleThatFailsVerification_StopsTheApplication_WithOneLineNamingTheFile_AndNoStackTrace()
    {
        // Given an application whose bundle was altered after it was prepared
        using var work = new TempDirectory();
        var tampered = fixture.TamperedCopy(work);
        var logs = new InMemoryLoggerProvider();
        using var host = BuildHost(tampered, work.Combine("state"), logs);
        var device = host.Services.GetRequiredService<IInspectionDevice>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            // When the host starts
            await host.StartAsync();

            // Then the device failed with a reason naming the bundle file and the check, the application is stopping,
            // the verdict stream ends at once, and the log has one critical line without an exception
            Assert.Equal(InspectionDeviceState.Failed, device.State);
            Assert.Contains("sha256", device.FailureReason, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(".onnx", device.FailureReason, StringComparison.Ordinal);
            Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
            Assert.Empty(await Collect(device).WaitAsync(Timeout));
            var line = Assert.Single(logs.Entries, e => e.Level == LogLevel.Critical);
            Assert.Null(line.Exception);
            Assert.Contains("cannot start", line.Message, StringComparison.Ordinal);
            Assert.Equal(1, Environment.ExitCode);
            await host.StopAsync();
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    [Fact]
    public async Task OptionsOutOfRange_AreRefusedWhenTheHostStarts_NamingTheSetting()
    {
        // Given settings with a verdict buffer of no verdicts
        using var state = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEdgeTransferDevice(o =>
        {
            o.Device.Bundle.Path = fixture.Bundle;
            o.Device.Store.Path = state.Path;
            o.VerdictBufferCapacity = 0;
        });
        using var host = builder.Build();

        // When the host starts, Then it refuses before anything opens, naming the option
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("VerdictBufferCapacity", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(state.Path, "heads")));
    }

    [Fact]
    public void MissingConfigFile_IsNamedByTheValidator()
    {
        var result = new EdgeTransferDeviceOptionsValidator().Validate(null, new EdgeTransferDeviceOptions { ConfigFile = "/nonexistent/device.json" });
        Assert.True(result.Failed);
        Assert.Contains("/nonexistent/device.json", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondDevice_OnTheSameStateDirectory_RefusesNamingTheLock()
    {
        // Given a device running on a state directory
        using var state = new TempDirectory();
        await using var first = new EdgeTransferDevice(Options(fixture.Bundle, state.Path, loop: true));
        await first.StartAsync();

        // When a second one starts on it
        await using var second = new EdgeTransferDevice(Options(fixture.Bundle, state.Path, loop: true));
        var refused = await Assert.ThrowsAnyAsync<EdgeTransferException>(() => second.StartAsync());

        // Then it refuses naming the lock file, and the first one keeps inspecting
        Assert.Contains(".lock", refused.Message, StringComparison.Ordinal);
        Assert.Equal(InspectionDeviceState.Failed, second.State);
        Assert.Equal(InspectionDeviceState.Running, first.State);
    }

    private EdgeTransferDeviceOptions Options(string bundle, string state, bool loop = false) => new()
    {
        Device = { Bundle = { Path = bundle }, Store = { Path = state } },
        Source = () => new FolderReplaySource(new FolderReplayOptions { Directory = fixture.Images, Loop = loop }),
        Mqtt = false,
    };

    private IHost BuildHost(string bundle, string state, InMemoryLoggerProvider logs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);
        var wanted = Options(bundle, state);
        builder.Services.AddEdgeTransferDevice(o =>
        {
            o.Device = wanted.Device;
            o.Source = wanted.Source;
            o.Mqtt = wanted.Mqtt;
        });
        return builder.Build();
    }

    private static Task<List<Verdict>> Collect(IInspectionDevice device) => Task.Run(async () =>
    {
        var verdicts = new List<Verdict>();
        await foreach (var verdict in device.ReadVerdictsAsync())
        {
            verdicts.Add(verdict);
        }

        return verdicts;
    });
}
