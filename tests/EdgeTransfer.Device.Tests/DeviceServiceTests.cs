using System.Collections.Concurrent;
using EdgeTransfer.Device.Hosting;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Device.Tests;

/// <summary><c>run</c> as a hosted service: its log, the systemd watchdog, the log level, one program per state directory.</summary>
public sealed class DeviceServiceTests(BundleFixture bundle) : IClassFixture<BundleFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Watchdog_IsFedWhileFramesFlow_StopsWhenTheSourceFreezes_AndResumesWhenItThaws()
    {
        // Given the hosted device inspecting a source that can freeze, with a 500 ms watchdog
        using var device = new DeviceFolder(bundle.BundleDirectory);
        var source = Line(seed: 1);
        var notifier = new RecordingNotifier();
        var logs = new InMemoryLoggerProvider();
        using var output = new StringWriter();
        using var host = BuildService(device, source, notifier, logs, TextWriter.Synchronized(output));
        await host.StartAsync();
        try
        {
            logs.WaitFor(e => e.EventId.Id == 6001 && e.Message.Contains("Inspecting with bundle", StringComparison.Ordinal), Timeout);
            // The log says which program runs (the tests run the JIT'd one; a package may be Native AOT)
            Assert.Contains(logs.Entries, e => e.EventId.Id == 6000 && e.Message.StartsWith("Starting edgetransfer-device ", StringComparison.Ordinal) && e.Message.Contains(", JIT (.NET ", StringComparison.Ordinal));
            await WaitUntilAsync(() => notifier.Watchdogs >= 3, "three WATCHDOG=1 while frames flow", logs);

            // When the source freezes (the loop waits for a frame that never comes)
            var mark = logs.Entries.Count;
            source.Freeze();

            // Then the stall is logged and the watchdog is no longer fed (several intervals pass without WATCHDOG=1)
            logs.WaitFor(e => e.EventId.Id == 6007 && e.Level == LogLevel.Error, Timeout, after: mark);
            await WaitUntilAsync(() => notifier.Unchanged(WatchdogInterval * 4), "four intervals without WATCHDOG=1 after the freeze", logs);
            var fedFrozen = notifier.Watchdogs;

            // And when frames flow again, it is fed again
            mark = logs.Entries.Count;
            source.Thaw();
            logs.WaitFor(e => e.EventId.Id == 6008, Timeout, after: mark);
            await WaitUntilAsync(() => notifier.Watchdogs > fedFrozen, "WATCHDOG=1 after the source thawed", logs);
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Contains("stopped    ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 6003);
    }

    [Fact]
    public async Task CameraLoss_IsLogged_AndAReconnectingCameraKeepsTheWatchdogFed()
    {
        // Given the hosted device inspecting with a 500 ms watchdog
        using var device = new DeviceFolder(bundle.BundleDirectory);
        var source = Line(seed: 2);
        var notifier = new RecordingNotifier();
        var logs = new InMemoryLoggerProvider();
        using var host = BuildService(device, source, notifier, logs, TextWriter.Null);
        await host.StartAsync();
        try
        {
            await WaitUntilAsync(() => notifier.Watchdogs >= 2, "WATCHDOG=1 while frames flow", logs);

            // When the camera is lost (no frames; the source says it is reconnecting)
            var mark = logs.Entries.Count;
            source.Lose("the camera was unplugged");

            // Then the loss is logged with its reason, and the watchdog is still fed: the reconnect policy is at work
            logs.WaitFor(e => e.EventId.Id == 6004 && e.Level == LogLevel.Warning && e.Message.Contains("the camera was unplugged", StringComparison.Ordinal), Timeout, after: mark);
            var fed = notifier.Watchdogs;
            await WaitUntilAsync(() => notifier.Watchdogs >= fed + 3, "WATCHDOG=1 while the camera reconnects", logs);
            Assert.DoesNotContain(logs.Entries.Skip(mark), e => e.EventId.Id == 6007);

            // And its return is logged
            source.Restore();
            logs.WaitFor(e => e.EventId.Id == 6006 && e.Message.Contains("Online", StringComparison.Ordinal), Timeout, after: mark);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task LogLevel_FromDeviceJson_FiltersTheLog()
    {
        // Given logging.level warning in device.json
        using var device = new DeviceFolder(bundle.BundleDirectory, """, "logging": { "level": "warning" }""");
        var logs = new InMemoryLoggerProvider();
        var settings = new DeviceServiceSettings { Device = DeviceConfigFile.Load(device.ConfigPath) };
        var builder = DeviceServiceHost.CreateBuilder(settings, _ => null);
        builder.Logging.AddProvider(logs);
        using var host = builder.Build();

        // When the device starts and stops
        await host.StartAsync();
        await host.StopAsync();

        // Then no information message was written, though the device started (the summary is information too)
        Assert.DoesNotContain(logs.Entries, e => e.Level < LogLevel.Warning);
        Assert.Null(host.Services.GetRequiredService<DeviceService>().Failure);
    }

    [Theory]
    [InlineData(null, "information", LogLevel.Information)]
    [InlineData(null, "debug", LogLevel.Debug)]
    [InlineData("Warning", "debug", LogLevel.Warning)]
    [InlineData(" error ", "information", LogLevel.Error)]
    public void LogLevel_TheEnvironmentOverridesDeviceJson(string? variable, string file, LogLevel expected)
    {
        var options = DeviceConfigFile.Parse($$"""{ "logging": { "level": "{{file}}" } }""");

        var level = DeviceServiceHost.ResolveLogLevel(options, name => name == DeviceServiceHost.LogLevelVariable ? variable : null);

        Assert.Equal(expected, level);
    }

    [Fact]
    public void LogLevel_Unknown_InDeviceJson_Exits2_NamingTheField()
    {
        using var device = new DeviceFolder(bundle.BundleDirectory, """, "logging": { "level": "verbose" }""");

        var result = device.Run("run", "--seconds", "1", "--no-mqtt");

        Assert.Equal(DeviceExitCodes.Usage, result.ExitCode);
        Assert.Contains("logging.level", result.Error, StringComparison.Ordinal);
        Assert.Contains("\"warning\"", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LogLevel_Unknown_InTheEnvironment_IsAClearError_NamingTheVariable()
    {
        var error = Assert.Throws<InvalidSettingException>(() => DeviceServiceHost.ResolveLogLevel(new DeviceOptions(), _ => "loud"));

        Assert.Equal(DeviceServiceHost.LogLevelVariable, error.Setting);
        Assert.Contains("information", error.Reason, StringComparison.Ordinal);
        Assert.Contains("\"loud\"", error.Reason, StringComparison.Ordinal);
    }

    [UnixFact]
    public void Run_StartedTwiceOnOneStateDirectory_TheSecondRefuses_NamingTheLock()
    {
        // Given the device program running (a real second process, as a second service would be)
        using var device = new DeviceFolder(bundle.BundleDirectory);
        using var first = DeviceProcess.Start(environment: null, "run", "--no-mqtt", "--print-every", "1000000", "--config", device.ConfigPath);
        first.WaitForLine("running ", Timeout);

        // When a second one starts on the same device.json (same state directory)
        var second = device.Run("run", "--seconds", "5", "--no-mqtt");

        // Then it refuses at once, naming the lock, and the first one runs on
        Assert.Equal(DeviceExitCodes.Failure, second.ExitCode);
        Assert.Contains($"lock file {Path.Combine(device.Combine("state"), ".lock")}", second.Error, StringComparison.Ordinal);
        Assert.Contains("locked by another running device program", second.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("running ", second.Output, StringComparison.Ordinal);
        first.Signal("TERM");
        Assert.True(first.WaitForExit(Timeout), first.ToString());
        Assert.Equal(0, first.ExitCode);
    }

    private static FreezableFrameSource Line(int seed) =>
        new(new SyntheticLineSource(new SyntheticLineOptions { Seed = seed, FramesPerSecond = 50, ClassMix = new Dictionary<string, double> { ["good"] = 1 } }));

    // The host run builds, with the test's source, notifier and log provider, and a 500 ms watchdog.
    private static IHost BuildService(DeviceFolder device, FreezableFrameSource source, RecordingNotifier notifier, InMemoryLoggerProvider logs, TextWriter output)
    {
        var settings = new DeviceServiceSettings { Device = DeviceConfigFile.Load(device.ConfigPath), Output = output, Source = source, WatchdogInterval = WatchdogInterval };
        var builder = DeviceServiceHost.CreateBuilder(settings, _ => null);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<ISystemdNotifier>(notifier);
        return builder.Build();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, InMemoryLoggerProvider logs)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Timeout}; the log:\n{logs.Text}");
            await Task.Delay(20);
        }
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private readonly ConcurrentQueue<string> _states = new();

        public bool IsEnabled => true;

        public int Watchdogs => _states.Count(s => s == "WATCHDOG=1");

        public void Notify(ServiceState state) => _states.Enqueue(state.ToString());

        // True when no WATCHDOG=1 came during the whole of the next quiet period.
        public bool Unchanged(TimeSpan quiet)
        {
            var before = Watchdogs;
            Thread.Sleep(quiet);
            return Watchdogs == before;
        }
    }
}
