using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Demo;

/// <summary>
/// The simulated inspection line of the demo: seeded synthetic parts at a fixed rate. Normally a mix
/// (mostly good parts); the simulated technician can put parts of one class on the line to label them,
/// as a person would put a tray of known scratched parts under the camera.
/// </summary>
/// <remarks>Every frame is a new part (a new generator index): the parts seen after training were never trained on.</remarks>
public sealed class DemoLine : IFrameSource
{
    private readonly SyntheticPartGenerator _generator;
    private readonly IReadOnlyList<string> _classes;
    private readonly string _goodClass;
    private readonly int _size;
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly byte[] _pixels;
    private readonly Random _mix;
    private readonly Dictionary<string, int> _nextIndex = new(StringComparer.Ordinal);
    private string? _feed;
    private long _id;
    private long _nextDue;

    /// <summary>Creates the line.</summary>
    /// <param name="classes">The classes parts are drawn from (synthetic defect classes).</param>
    /// <param name="goodClass">The class most parts belong to.</param>
    /// <param name="seed">The seed of the parts.</param>
    /// <param name="framesPerSecond">The line speed.</param>
    /// <param name="size">The side of a part image in pixels.</param>
    /// <param name="timeProvider">The clock.</param>
    public DemoLine(IReadOnlyList<string> classes, string goodClass, int seed, double framesPerSecond, int size = 224, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        SyntheticPartGenerator.ValidateClasses(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerSecond);
        _generator = new SyntheticPartGenerator(seed);
        _classes = classes;
        _goodClass = goodClass;
        _size = size;
        _period = TimeSpan.FromSeconds(1 / framesPerSecond);
        _time = timeProvider ?? TimeProvider.System;
        _pixels = new byte[size * size * 3];
#pragma warning disable CA5394 // The line's class mix is a simulation, not security.
        _mix = new Random(seed);
#pragma warning restore CA5394
        Status = SourceStatus.Online(_time.GetUtcNow());
    }

    /// <inheritdoc />
    public string Name => "demo-line";

    /// <inheritdoc />
    public SourceStatus Status { get; }

    /// <summary>The class being fed to the camera, or null for the normal mixed line.</summary>
    public string? Feed
    {
        get => Volatile.Read(ref _feed);
        set => Volatile.Write(ref _feed, value);
    }

    /// <inheritdoc />
    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
    {
        // Pace the line: one part per period, without drifting.
        var now = _time.GetTimestamp();
        if (_nextDue == 0)
        {
            _nextDue = now;
        }

        var wait = _time.GetElapsedTime(now, _nextDue);
        if (_nextDue > now && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }

        _nextDue += (long)(_period.TotalSeconds * _time.TimestampFrequency);
        var part = Feed ?? NextMixed();
        var index = _nextIndex.GetValueOrDefault(part);
        _nextIndex[part] = index + 1;
        _generator.Generate(part, index, _size, _pixels);
        var id = Interlocked.Increment(ref _id);
        return new Frame(id, _time.GetUtcNow(), _size, _size, _pixels, part, Name, $"demo:{part}:{index}");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // 60 % good parts, the rest spread evenly over the defect classes.
    private string NextMixed()
    {
#pragma warning disable CA5394 // simulation
        var roll = _mix.NextDouble();
#pragma warning restore CA5394
        if (roll < 0.6 || _classes.Count == 1)
        {
            return _goodClass;
        }

        var defects = _classes.Where(c => c != _goodClass).ToList();
        return defects[(int)((roll - 0.6) / 0.4 * defects.Count) % defects.Count];
    }
}
