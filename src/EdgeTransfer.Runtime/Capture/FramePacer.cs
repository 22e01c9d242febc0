namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// Keeps a source at most at a frame rate: frame n is due at start + n·period. A consumer that falls
/// behind gets the next frame at once but no burst to catch up (the schedule restarts from now), because
/// a replayed line that bursts after a pause is not what a conveyor does.
/// </summary>
internal sealed class FramePacer
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _period;
    private long _nextDue;
    private bool _started;

    public FramePacer(double? framesPerSecond, TimeProvider time)
    {
        _time = time;
        _period = framesPerSecond is { } fps ? TimeSpan.FromSeconds(1.0 / fps) : TimeSpan.Zero;
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (_period <= TimeSpan.Zero)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (!_started)
        {
            _started = true;
            _nextDue = now;
        }

        var wait = _time.GetElapsedTime(now, _nextDue);
        if (_nextDue > now && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
        else
        {
            _nextDue = now;
        }

        _nextDue += (long)(_period.TotalSeconds * _time.TimestampFrequency);
    }
}
