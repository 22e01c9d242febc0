using System.Runtime.InteropServices;

namespace EdgeTransfer.Device;

/// <summary>
/// The one place that turns Ctrl+C, SIGINT and SIGTERM (systemd stop) into a cancelled token, so that work ends
/// cleanly and the program exits 0.
/// </summary>
/// <remarks>
/// The runtime runs every handler of a signal one after the other on a pool thread, from a copy of the handlers
/// taken when the signal arrived: a handler can therefore still run after the work it stops has finished and this
/// object was disposed. It must not throw then (an exception on a pool thread ends the process with an unhandled
/// exception), hence the lock and the flag rather than cancelling a source that may be gone.
/// </remarks>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private bool _disposed;

    private ShutdownSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled when the first SIGINT or SIGTERM arrives.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public static ShutdownSignal Listen() => new();

    /// <summary>Stops listening; a signal that arrives afterwards has the operating system's default effect.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive: the work that watches the token shuts down and the program returns its exit code.
        context.Cancel = true;
        lock (_gate)
        {
            if (!_disposed)
            {
                _stop.Cancel();
            }
        }
    }
}
