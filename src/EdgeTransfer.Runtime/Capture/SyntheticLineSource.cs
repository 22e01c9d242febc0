using System.Globalization;
using EdgeTransfer.Artifacts.Randomness;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// A simulated production line: parts from <see cref="SyntheticPartGenerator"/>, the class of each drawn
/// from a weighted mix by a seeded generator, so every frame has a known <see cref="Frame.Label"/> and the
/// same seed gives the same line on every machine. For demos, tests and benchmarks without a camera.
/// </summary>
/// <remarks>
/// Part <c>k</c> of a class is generated with index <c>k</c> (0, 1, …), so no two parts repeat; pixels
/// are generated straight into the reused frame buffer.
/// </remarks>
public sealed class SyntheticLineSource : IFrameSource
{
    private readonly Source _source;

    /// <summary>Creates the line.</summary>
    /// <param name="options">The seed, size, class mix and rate; validated here.</param>
    /// <param name="timeProvider">The clock for timestamps and the rate; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">A setting is bad.</exception>
    public SyntheticLineSource(SyntheticLineOptions options, TimeProvider? timeProvider = null)
    {
        SyntheticLineOptionsValidator.Validate(options);
        _source = new Source(options, timeProvider);
    }

    /// <inheritdoc />
    public string Name => _source.Name;

    /// <inheritdoc />
    public SourceStatus Status => _source.Status;

    /// <summary>The classes of the mix with a weight above 0, in canonical (lower-case) form.</summary>
    public IReadOnlyList<string> ClassNames => _source.Classes;

    /// <summary>
    /// Puts only parts of one class on the line (as a technician feeds a tray of known parts to label them),
    /// or null for the configured mix. Every part is still new: each class keeps its own running index.
    /// </summary>
    /// <exception cref="InvalidSettingException">The class is not one of <see cref="ClassNames"/>.</exception>
    public string? Feed
    {
        get => _source.Feed;
        set => _source.Feed = value;
    }

    /// <inheritdoc />
    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add => _source.StatusChanged += value;
        remove => _source.StatusChanged -= value;
    }

    /// <inheritdoc />
    /// <remarks>Never raised: generated parts are never corrupt.</remarks>
    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped
    {
        add => _source.FrameSkipped += value;
        remove => _source.FrameSkipped -= value;
    }

    /// <inheritdoc />
    public ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default) => _source.CaptureAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private sealed class Source : FrameSourceBase
    {
        private readonly SyntheticLineOptions _options;
        private readonly SyntheticPartGenerator _generator;
        private readonly FramePacer _pacer;
        private readonly double[] _cumulative;
        private readonly int[] _nextIndex;
        private SplitMix64 _random;
        private long _produced;
        private int _feed = -1;

        public Source(SyntheticLineOptions options, TimeProvider? timeProvider)
            : base(options.Name, timeProvider)
        {
            _options = options;
            _generator = new SyntheticPartGenerator(options.Seed);

            // Canonical order (not the dictionary's) so that the same mix gives the same line whatever order it was written in.
            var mix = SyntheticPartGenerator.DefectClasses
                .Select(c => (Class: c, Weight: options.ClassMix.FirstOrDefault(kv => string.Equals(kv.Key, c, StringComparison.OrdinalIgnoreCase)).Value))
                .Where(x => x.Weight > 0)
                .ToArray();
            Classes = [.. mix.Select(x => x.Class)];
            var total = mix.Sum(x => x.Weight);
            _cumulative = new double[mix.Length];
            var running = 0.0;
            for (var i = 0; i < mix.Length; i++)
            {
                running += mix[i].Weight / total;
                _cumulative[i] = running;
            }

            _nextIndex = new int[mix.Length];
            _random = new SplitMix64(SplitMix64.Mix((ulong)(uint)options.Seed, 0x6C696E65UL));
            _pacer = new FramePacer(options.FramesPerSecond, Time);
            SetStatus(SourceStatus.Online(Time.GetUtcNow()));
        }

        public IReadOnlyList<string> Classes { get; }

        public string? Feed
        {
            get => _feed < 0 ? null : Classes[_feed];
            set
            {
                var index = value is null ? -1 : IndexOf(value);
                if (value is not null && index < 0)
                {
                    throw new InvalidSettingException("feed", $"'{value}' is not a class of this line; the classes are {string.Join(", ", Classes)}.");
                }

                Volatile.Write(ref _feed, index);
            }
        }

        public override async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
        {
            ThrowIfDisposed();
            if (_options.FrameCount is { } count && _produced >= count)
            {
                return null;
            }

            await _pacer.WaitAsync(cancellationToken);
            var c = Volatile.Read(ref _feed);
            if (c < 0)
            {
                var pick = _random.NextDouble();
                c = 0;
                while (c < _cumulative.Length - 1 && pick >= _cumulative[c])
                {
                    c++;
                }
            }

            var index = _nextIndex[c]++;
            // One small string per part: the audit trail names the exact part (seed, class, index) to regenerate it.
            var origin = string.Create(CultureInfo.InvariantCulture, $"synthetic:{_options.Seed}:{Classes[c]}:{index}");
            var frame = NewFrame(_options.Size, _options.Size, Classes[c], origin, out var pixels);
            _generator.Generate(Classes[c], index, _options.Size, pixels.Span);
            _produced++;
            return frame;
        }

        private int IndexOf(string name)
        {
            for (var i = 0; i < Classes.Count; i++)
            {
                if (string.Equals(Classes[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
