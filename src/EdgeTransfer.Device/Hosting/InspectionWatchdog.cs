using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Device.Hosting;

/// <summary>
/// Feeds the systemd watchdog (<c>WATCHDOG=1</c>) only while the inspection loop makes progress, so that a wedged
/// loop (a camera driver that never returns a frame) gets the service restarted by systemd.
/// </summary>
/// <remarks>
/// A line waiting for its next part and a camera being reconnected are not wedged: the loop reports the first
/// itself, and the source's status (logged when it changes) says the second.
/// </remarks>
internal sealed class InspectionWatchdog(ISystemdNotifier notifier, TimeSpan interval, Func<DeviceHost?> current, ILogger logger, TimeProvider time)
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    /// <summary>Checks the loop every interval until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        DeviceLog.WatchdogOn(logger, interval);
        using var timer = new PeriodicTimer(interval, time);
        var stalled = false;
        do
        {
            if (IsMakingProgress())
            {
                notifier.Notify(Watchdog);
                if (stalled)
                {
                    stalled = false;
                    DeviceLog.LoopRecovered(logger);
                }
            }
            else if (!stalled)
            {
                stalled = true;
                DeviceLog.LoopStalled(logger, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private bool IsMakingProgress()
    {
        // No host or no loop: a deployment is replacing them, which the agent bounds itself.
        if (current() is not { Loop: { } loop } host)
        {
            return true;
        }

        return host.Source?.Status.State == SourceState.Reconnecting || loop.MadeProgressWithin(interval);
    }
}
