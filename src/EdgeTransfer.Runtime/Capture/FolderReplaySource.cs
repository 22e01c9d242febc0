using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// Replays the images of a folder as frames, in the folder's stable order, looping by default. In an
/// ImageFolder tree the class folder is the frame's <see cref="Frame.Label"/>, so a replayed line has
/// known answers (demos, tests, collecting labelled samples without a camera).
/// </summary>
/// <remarks>
/// Each file is decoded by the <see cref="HardenedImageDecoder"/> when its turn comes (the folder may
/// change under a running replay). A file that cannot be decoded raises
/// <see cref="IFrameSource.FrameSkipped"/> and the next file is used; a whole pass without one usable
/// file is a <see cref="CaptureException"/> (not transient: the folder needs fixing).
/// </remarks>
public sealed class FolderReplaySource : IFrameSource
{
    private readonly Source _source;

    /// <summary>Lists the folder; no image is decoded yet.</summary>
    /// <param name="options">The folder and settings; validated here.</param>
    /// <param name="timeProvider">The clock for timestamps and the rate; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">A setting is bad.</exception>
    /// <exception cref="ImageDatasetException">The folder is missing, unreadable or holds no image file.</exception>
    public FolderReplaySource(FolderReplayOptions options, TimeProvider? timeProvider = null)
    {
        FolderReplayOptionsValidator.Validate(options);
        _source = new Source(options, ImageFolderDataset.Open(options.Directory), timeProvider);
    }

    /// <inheritdoc />
    public string Name => _source.Name;

    /// <inheritdoc />
    public SourceStatus Status => _source.Status;

    /// <summary>The folder's class names (empty for a flat folder).</summary>
    public IReadOnlyList<string> ClassNames => _source.Dataset.ClassNames;

    /// <summary>The number of image files in one pass.</summary>
    public int FileCount => _source.Dataset.Entries.Count;

    /// <summary>How many files were skipped as unusable so far (every pass counts).</summary>
    public long SkippedFrames => _source.SkippedFrames;

    /// <inheritdoc />
    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add => _source.StatusChanged += value;
        remove => _source.StatusChanged -= value;
    }

    /// <inheritdoc />
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
        private readonly FolderReplayOptions _options;
        private readonly HardenedImageDecoder _decoder;
        private readonly FramePacer _pacer;
        private int _next;

        public Source(FolderReplayOptions options, ImageFolderDataset dataset, TimeProvider? timeProvider)
            : base(options.Name, timeProvider)
        {
            _options = options;
            Dataset = dataset;
            _decoder = new HardenedImageDecoder(options.Decoder);
            _pacer = new FramePacer(options.FramesPerSecond, Time);
            SetStatus(SourceStatus.Online(Time.GetUtcNow()));
        }

        public ImageFolderDataset Dataset { get; }

        public override async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
        {
            ThrowIfDisposed();
            await _pacer.WaitAsync(cancellationToken);
            var entries = Dataset.Entries;
            for (var tried = 0; tried < entries.Count; tried++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_next >= entries.Count)
                {
                    if (!_options.Loop)
                    {
                        return null;
                    }

                    _next = 0;
                }

                var entry = entries[_next++];
                try
                {
                    using var image = _decoder.DecodeFile(entry.Path);
                    var frame = NewFrame(image.Width, image.Height, entry.ClassName, entry.Path, out var pixels);

                    // The decoder allocates the image (pooled by ImageSharp); the pixels then land in the reused frame buffer.
                    image.CopyPixelDataTo(pixels.Span);
                    return frame;
                }
                catch (ImageDecodeException ex)
                {
                    ReportSkipped(entry.Path, ex.Reason, ex);
                }
            }

            if (!_options.Loop && _next >= entries.Count)
            {
                return null;
            }

            var reason = $"none of the {entries.Count} image files in '{Dataset.Directory}' could be decoded in a whole pass; replace the corrupt files (see the skipped-frame events).";
            SetStatus(SourceStatus.Failed(reason, Time.GetUtcNow()));
            throw new CaptureException(Name, reason, isTransient: false);
        }
    }
}
