using System.Globalization;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>
/// Triggers at a fixed rate, for lines without a light barrier (or for demos): a <see cref="PeriodicTimer"/>
/// on the injected <see cref="TimeProvider"/>. The first trigger comes one period after creation.
/// </summary>
/// <remarks>
/// Ticks do not pile up: when the consumer is slower than the rate, the next wait completes at once for
/// the tick it missed and then the rate resumes (the timer's own coalescing), so a slow inspection never
/// turns into a burst of stale triggers.
/// </remarks>
public sealed class FreeRunningTrigger : ITrigger
{
    private readonly PeriodicTimer _timer;
    private int _disposed;

    /// <summary>Creates the trigger; the clock starts now.</summary>
    /// <param name="framesPerSecond">The rate, above 0 and at most 1000.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">The rate is out of range.</exception>
    public FreeRunningTrigger(double framesPerSecond, TimeProvider? timeProvider = null)
    {
        if (!double.IsFinite(framesPerSecond) || framesPerSecond <= 0 || framesPerSecond > 1000)
        {
            throw new InvalidSettingException("trigger.framesPerSecond", string.Create(CultureInfo.InvariantCulture, $"must be above 0 and at most 1000 frames per second; got {framesPerSecond}."));
        }

        Period = TimeSpan.FromSeconds(1 / framesPerSecond);
        _timer = new PeriodicTimer(Period, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The time between triggers.</summary>
    public TimeSpan Period { get; }

    /// <inheritdoc />
    public async ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var ticked = await _timer.WaitForNextTickAsync(cancellationToken);

        // False means the timer was disposed while this call waited.
        ObjectDisposedException.ThrowIf(!ticked, this);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _timer.Dispose();
        }
    }
}
