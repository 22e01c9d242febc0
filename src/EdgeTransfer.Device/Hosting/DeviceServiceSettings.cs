using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Device.Hosting;

/// <summary>What one run of the <see cref="DeviceService"/> does: the loaded configuration and the run's choices.</summary>
public sealed class DeviceServiceSettings
{
    /// <summary>The validated configuration (device.json).</summary>
    public required DeviceOptions Device { get; init; }

    /// <summary>Whether the MQTT agent reports to the broker and takes fleet commands.</summary>
    public bool Mqtt { get; init; }

    /// <summary>Where the run's console lines go (running, every N-th verdict, the summary).</summary>
    public TextWriter Output { get; init; } = TextWriter.Null;

    /// <summary>Where the loop's error lines go (stderr), apart from the verdicts on <see cref="Output"/>.</summary>
    public TextWriter Error { get; init; } = TextWriter.Null;

    /// <summary>Print every N-th verdict to <see cref="Output"/>.</summary>
    public int PrintEvery { get; init; } = 25;

    /// <summary>Stop after this long; null to run until stopped.</summary>
    public TimeSpan? StopAfter { get; init; }

    /// <summary>
    /// How often the systemd watchdog is fed while the inspection loop makes progress; null for half of the
    /// <c>WatchdogSec=</c> that systemd passes in <c>WATCHDOG_USEC</c> (no watchdog when it does not).
    /// </summary>
    public TimeSpan? WatchdogInterval { get; init; }

    /// <summary>A frame source to inspect instead of the configured one (owned by the service from then on); null for device.json's.</summary>
    public IFrameSource? Source { get; init; }

    /// <summary>The watchdog interval systemd asked for: half of <c>WATCHDOG_USEC</c>, or null when there is none (or it is meant for another process).</summary>
    /// <param name="environment">Reads an environment variable.</param>
    public static TimeSpan? SystemdWatchdogInterval(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!long.TryParse(environment("WATCHDOG_USEC"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        var pid = environment("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return null;
        }

        // Twice per period, as sd_watchdog_enabled(3) recommends: one late tick does not cost a restart.
        return TimeSpan.FromMicroseconds(usec / 2.0);
    }
}
