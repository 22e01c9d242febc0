using Microsoft.Extensions.Hosting;

namespace EdgeTransfer.Hosting;

/// <summary>
/// Starts and stops the registered <see cref="EdgeTransferDevice"/> with the application. A device that cannot start
/// (a bundle that fails verification, a locked state directory) stops the application with exit code 1, after one log
/// line that names the input and the reason — not an exception with a stack trace.
/// </summary>
/// <param name="device">The device.</param>
/// <param name="lifetime">Stopped when the device cannot start.</param>
internal sealed class EdgeTransferDeviceService(EdgeTransferDevice device, IHostApplicationLifetime lifetime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await device.StartAsync(cancellationToken);
        }
        catch (EdgeTransferException)
        {
            // Logged by the device; readers of its verdicts end at once.
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => device.StopAsync();
}
