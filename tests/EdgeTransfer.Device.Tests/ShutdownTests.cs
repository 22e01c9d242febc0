using EdgeTransfer.Testing;

namespace EdgeTransfer.Device.Tests;

/// <summary><c>systemctl stop</c> and Ctrl+C end the real program cleanly: exit 0, no unhandled exception, every time.</summary>
public sealed class ShutdownTests(BundleFixture bundle) : IClassFixture<BundleFixture>
{
    [UnixFact]
    public void RunAndCollect_ExitZero_WithoutAnUnhandledException_OnTwentySigterms()
    {
        using var device = new DeviceFolder(bundle.BundleDirectory);
        var random = new Random(11);

        // Twenty processes, run and collect in turn, each stopped with SIGTERM at a different instant of its work
        for (var cycle = 0; cycle < 20; cycle++)
        {
            var run = cycle % 2 == 0;
            string[] arguments = run
                ? ["run", "--no-mqtt", "--print-every", "1000000", "--config", device.ConfigPath]
                : ["collect", "--label", "auto", "--count", "1000000", "--config", device.ConfigPath];
            using var process = DeviceProcess.Start(environment: null, arguments);
            process.WaitForLine(run ? "running " : "collecting ", TimeSpan.FromSeconds(60));
            Thread.Sleep(random.Next(0, 800));

            process.Signal("TERM");

            var context = $"cycle {cycle} ({arguments[0]})\n{process}";
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"no exit within 30 s of SIGTERM; {context}");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}; {context}");
            Assert.DoesNotContain("Unhandled exception", process.Error, StringComparison.Ordinal);
            Assert.Contains(run ? "stopped    " : "collected  ", process.Output, StringComparison.Ordinal);
        }
    }

    [UnixFact]
    public void Run_ExitsZero_OnSigint()
    {
        using var device = new DeviceFolder(bundle.BundleDirectory);
        using var process = DeviceProcess.Start(environment: null, "run", "--no-mqtt", "--print-every", "1000000", "--config", device.ConfigPath);
        process.WaitForLine("running ", TimeSpan.FromSeconds(60));

        process.Signal("INT");

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"no exit within 30 s of SIGINT\n{process}");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{process}");
        Assert.DoesNotContain("Unhandled exception", process.Error, StringComparison.Ordinal);
    }
}
