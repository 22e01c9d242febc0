using System.Globalization;
using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// A V4L2 camera (USB UVC webcam, CSI camera through a V4L2 driver) through
/// <c>Iot.Device.Media.VideoDevice</c>. The camera streams continuously on a dedicated thread; a capture
/// takes the next frame that arrives after it was asked for, converts it to RGB24 (YUYV with BT.601 in our
/// code, MJPEG through the <see cref="HardenedImageDecoder"/>) into one reused buffer, and drops the frames
/// that nobody asked for.
/// </summary>
/// <remarks>
/// <para>
/// Failures are reported, never hidden: no frame within <see cref="V4l2CameraOptions.FrameTimeout"/>, a
/// device error on the capture thread, or <see cref="V4l2CameraOptions.MaxConsecutiveCorruptFrames"/>
/// corrupt frames in a row make the status <see cref="SourceState.Failed"/> and the capture throw a
/// transient <see cref="CaptureException"/>; wrap the source in a <see cref="ResilientFrameSource"/> to
/// reopen it. A single corrupt frame (short YUYV buffer, broken JPEG) raises
/// <see cref="IFrameSource.FrameSkipped"/> and the next frame is used.
/// </para>
/// <para>Owns the video device; disposing stops the stream and closes it. Linux only.</para>
/// </remarks>
public sealed partial class V4l2CameraSource : IFrameSource
{
    private readonly Source _source;

    internal V4l2CameraSource(V4l2CameraOptions options, ICameraDevice device, TimeProvider? timeProvider)
    {
        _source = new Source(options, device, timeProvider);
    }

    /// <inheritdoc />
    public string Name => _source.Name;

    /// <inheritdoc />
    public SourceStatus Status => _source.Status;

    /// <summary>The device path as opened (a udev link resolved to its <c>/dev/videoN</c>).</summary>
    public string DevicePath => _source.Device.DevicePath;

    /// <summary>How many frames were skipped as corrupt so far.</summary>
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
        /// <summary>How long disposal waits for the capture thread to leave the driver before it lets the thread close the device itself.</summary>
        private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

        private readonly V4l2CameraOptions _options;
        private readonly HardenedImageDecoder _decoder;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _captureThread;
        private readonly string _expectedLength;
        private TaskCompletionSource<Frame>? _pending;
        private Exception? _fault;
        private int _consecutiveCorrupt;

        public Source(V4l2CameraOptions options, ICameraDevice device, TimeProvider? timeProvider)
            : base(options.Name, timeProvider)
        {
            _options = options;
            Device = device;
            _decoder = new HardenedImageDecoder(options.Decoder);
            _expectedLength = YuyvConverter.FrameLength(options.Width, options.Height).ToString(CultureInfo.InvariantCulture);

            // The binding's capture loop blocks in the driver (VIDIOC_DQBUF): it gets its own thread, not a pool thread.
            _captureThread = Task.Factory.StartNew(RunCapture, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public ICameraDevice Device { get; }

        public override async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
        {
            ThrowIfDisposed();
            ThrowIfFaulted();
            var request = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _pending, request);

            // The capture thread may have failed between the check above and the publication of the request.
            ThrowIfFaulted();
            try
            {
                var frame = await request.Task.WaitAsync(_options.FrameTimeout, Time, cancellationToken);
                SetStatus(SourceStatus.Online(Time.GetUtcNow()));
                return frame;
            }
            catch (TimeoutException ex)
            {
                Interlocked.CompareExchange(ref _pending, null, request);
                var reason = $"no frame from '{Device.DevicePath}' within {_options.FrameTimeout.TotalSeconds:0.###} s: the camera was unplugged or stalled.";
                SetStatus(SourceStatus.Failed(reason, Time.GetUtcNow()));
                throw new CaptureException(Name, reason, isTransient: true, ex);
            }
            catch (OperationCanceledException)
            {
                Interlocked.CompareExchange(ref _pending, null, request);
                throw;
            }
            catch (CaptureException ex)
            {
                SetStatus(SourceStatus.Failed(ex.Reason, Time.GetUtcNow()));
                throw;
            }
        }

        protected override async ValueTask ReleaseAsync()
        {
            await _stop.CancelAsync();
            var stopped = await Task.WhenAny(_captureThread, Task.Delay(StopTimeout)) == _captureThread;
            if (stopped)
            {
                Device.Dispose();
            }
            else
            {
                // Closing the device under a thread that is still inside the driver would unmap its buffers
                // from under it; the thread closes the device when it returns.
                _ = _captureThread.ContinueWith(_ => Device.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            Interlocked.Exchange(ref _pending, null)?.TrySetException(new ObjectDisposedException(Name));
            _stop.Dispose();
        }

        private void ThrowIfFaulted()
        {
            if (Volatile.Read(ref _fault) is { } fault)
            {
                var reason = $"the capture from '{Device.DevicePath}' stopped: {fault.Message}";
                SetStatus(SourceStatus.Failed(reason, Time.GetUtcNow()));
                throw new CaptureException(Name, reason, isTransient: true, fault);
            }
        }

        private void RunCapture()
        {
            Exception? fault = null;
            try
            {
                Device.RunCapture(OnFrame, _stop.Token);
                if (!_stop.IsCancellationRequested)
                {
                    fault = new IOException($"The capture loop of '{Device.DevicePath}' ended by itself.");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Disposal: not a fault.
            }
            catch (Exception ex)
            {
                fault = ex;
            }

            if (fault is not null)
            {
                Fault(fault);
            }
        }

        private void Fault(Exception fault)
        {
            Volatile.Write(ref _fault, fault);
            var reason = $"the capture from '{Device.DevicePath}' stopped: {fault.Message}";
            Interlocked.Exchange(ref _pending, null)?.TrySetException(new CaptureException(Name, reason, isTransient: true, fault));
        }

        /// <summary>Runs on the capture thread for every frame the camera sends; must never throw into the binding.</summary>
        private void OnFrame(ReadOnlySpan<byte> data)
        {
            var request = Interlocked.Exchange(ref _pending, null);
            if (request is null)
            {
                // Nobody asked: the line wants the frame after the trigger, not a backlog.
                return;
            }

            string? corrupt;
            Exception? error = null;
            try
            {
                corrupt = _options.PixelFormat == V4l2PixelFormat.Yuyv ? ConvertYuyv(data, request) : DecodeMjpeg(data, request, out error);
            }
            catch (Exception ex)
            {
                // A bug or an exhausted memory here must not kill the binding's loop with mapped buffers.
                corrupt = $"the frame could not be converted: {ex.Message}";
                error = ex;
            }

            if (corrupt is null)
            {
                _consecutiveCorrupt = 0;
                return;
            }

            ReportSkipped(Device.DevicePath, corrupt, error);
            if (++_consecutiveCorrupt >= _options.MaxConsecutiveCorruptFrames)
            {
                Volatile.Write(ref _fault, new IOException($"{_consecutiveCorrupt} corrupt frames in a row; the last: {corrupt}"));
                request.TrySetException(new CaptureException(Name, $"'{Device.DevicePath}' sent {_consecutiveCorrupt} corrupt frames in a row (the last: {corrupt}); check the cable.", isTransient: true, error));
                return;
            }

            // Keep waiting for a good frame on behalf of the same request (unless it was given up meanwhile).
            Interlocked.CompareExchange(ref _pending, request, null);
        }

        private string? ConvertYuyv(ReadOnlySpan<byte> data, TaskCompletionSource<Frame> request)
        {
            var expected = YuyvConverter.FrameLength(_options.Width, _options.Height);
            if (data.Length < expected)
            {
                return $"the YUYV frame has {data.Length} bytes, {_expectedLength} expected for {_options.Width}×{_options.Height}; the driver may have chosen another size.";
            }

            var frame = NewFrame(_options.Width, _options.Height, null, Device.DevicePath, out var pixels);
            YuyvConverter.ConvertToRgb24(data, _options.Width, _options.Height, pixels.Span);
            request.TrySetResult(frame);
            return null;
        }

        private string? DecodeMjpeg(ReadOnlySpan<byte> data, TaskCompletionSource<Frame> request, out Exception? error)
        {
            error = null;
            try
            {
                using var image = _decoder.Decode(data, Device.DevicePath);
                var frame = NewFrame(image.Width, image.Height, null, Device.DevicePath, out var pixels);
                image.CopyPixelDataTo(pixels.Span);
                request.TrySetResult(frame);
                return null;
            }
            catch (ImageDecodeException ex)
            {
                error = ex;
                return ex.Reason;
            }
        }
    }
}
