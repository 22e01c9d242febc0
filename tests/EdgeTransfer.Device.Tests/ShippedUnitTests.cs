using EdgeTransfer.Testing;

namespace EdgeTransfer.Device.Tests;

/// <summary>The shipped systemd units run the program as a notify service with a watchdog, stopped by SIGTERM.</summary>
public sealed class ShippedUnitTests
{
    public static TheoryData<string> Profiles => new(["raspberry-pi-5", "jetson-orin-nano", "linux-x64"]);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Unit_IsNotify_WithAWatchdog_AndStopsWithSigterm(string profile)
    {
        var lines = File.ReadAllLines(Path.Combine(PretrainedModels.RepositoryRoot, "devices", profile, "edgetransfer-device.service"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

        Assert.Contains("Type=notify", lines);
        Assert.Contains("NotifyAccess=main", lines);
        var watchdog = Assert.Single(lines, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));
        Assert.Matches(@"^WatchdogSec=\d+s$", watchdog);
        Assert.Contains("Restart=on-failure", lines);

        // SystemdLifetime stops the host on SIGTERM only: another kill signal would end the program uncleanly.
        Assert.DoesNotContain(lines, l => l.StartsWith("KillSignal=", StringComparison.Ordinal) && l != "KillSignal=SIGTERM");
    }
}
