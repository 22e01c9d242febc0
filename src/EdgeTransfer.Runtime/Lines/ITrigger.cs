namespace EdgeTransfer.Runtime.Lines;

/// <summary>
/// Says when to capture: a part has arrived under the camera (light barrier on a GPIO input) or the next
/// tick of a free-running rate. One consumer waits at a time.
/// </summary>
public interface ITrigger : IDisposable
{
    /// <summary>Completes at the next trigger (at once if one is already pending).</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The trigger was disposed.</exception>
    ValueTask WaitAsync(CancellationToken cancellationToken = default);
}
