using System.Device.Gpio;
using System.Threading.Channels;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>
/// The reject output: for each defect verdict, one pulse of <see cref="RejectLineOptions.PulseDuration"/>
/// on a GPIO output (air jet, diverter flap, PLC input), timed on the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Pulses never overlap: a reject that comes while a pulse is active is <b>queued</b>, and starts after
/// the current pulse plus <see cref="RejectLineOptions.MinimumGap"/>. Queued rather than extended because
/// each reject is one part: an extended pulse would merge two defects into one, and a PLC or counter that
/// counts pulses would lose one. The queue is bounded (<see cref="RejectLineOptions.MaxPendingPulses"/>);
/// beyond it rejects are counted in <see cref="DroppedPulses"/> instead of delaying every later pulse.
/// </para>
/// <para>
/// The pin is opened with its inactive level already set (no glitch on an active-low line), is driven
/// inactive when a pulse is cut short by disposal, and is left inactive on dispose. Ownership of the
/// controller follows <see cref="GpioTrigger"/>.
/// </para>
/// </remarks>
public sealed partial class RejectLine : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly GpioController _controller;
    private readonly bool _shouldDispose;
    private readonly TimeProvider _time;
    private readonly PinValue _active;
    private readonly PinValue _inactive;
    private readonly Channel<bool> _requests;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private long _requested;
    private long _completed;
    private long _dropped;
    private Exception? _fault;
    private int _disposed;

    /// <summary>Opens the output pin on a controller, inactive, and starts the pulse worker.</summary>
    /// <param name="options">The pin, pulse, gap and polarity; validated here.</param>
    /// <param name="controller">The GPIO controller.</param>
    /// <param name="shouldDispose">True to dispose the controller with this line; false to leave it to the caller (only the pin is closed).</param>
    /// <param name="timeProvider">The clock for pulse timing; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">A setting is bad, or the pin cannot be opened as an output.</exception>
    public RejectLine(RejectLineOptions options, GpioController controller, bool shouldDispose = false, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        try
        {
            RejectLineOptionsValidator.Validate(options);
            Options = options;
            _controller = controller;
            _shouldDispose = shouldDispose;
            _time = timeProvider ?? TimeProvider.System;
            _active = options.Polarity == OutputPolarity.ActiveHigh ? PinValue.High : PinValue.Low;
            _inactive = options.Polarity == OutputPolarity.ActiveHigh ? PinValue.Low : PinValue.High;
            _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(options.MaxPendingPulses)
            {
                // Wait mode makes TryWrite return false when full (DropWrite would report success), so the drop is counted.
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
            GpioPins.OpenExclusive(controller, options.Pin, PinMode.Output, _inactive, "RejectLineOptions.Pin", "the reject output", "an output");
            _worker = Task.Run(RunAsync);
        }
        catch
        {
            if (shouldDispose)
            {
                controller.Dispose();
            }

            throw;
        }
    }

    /// <summary>Opens the output pin on a driver, which the line owns from now on (disposed with it).</summary>
    /// <param name="options">The pin, pulse, gap and polarity; validated here.</param>
    /// <param name="driver">The GPIO driver (a chip on the device, a <see cref="Simulation.SimulatedGpioDriver"/> in tests and demos).</param>
    /// <param name="timeProvider">The clock for pulse timing; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">A setting is bad, or the pin cannot be opened as an output.</exception>
    public RejectLine(RejectLineOptions options, GpioDriver driver, TimeProvider? timeProvider = null)
        : this(options, new GpioController(driver ?? throw new ArgumentNullException(nameof(driver))), shouldDispose: true, timeProvider)
    {
    }

    /// <summary>The settings in force.</summary>
    public RejectLineOptions Options { get; }

    /// <summary>How many rejects were asked for (queued or dropped).</summary>
    public long RequestedPulses => Interlocked.Read(ref _requested);

    /// <summary>How many pulses were completed.</summary>
    public long CompletedPulses => Interlocked.Read(ref _completed);

    /// <summary>How many rejects were dropped because the queue was full.</summary>
    public long DroppedPulses => Interlocked.Read(ref _dropped);

    /// <summary>Queues one reject pulse; returns at once.</summary>
    /// <returns>True when queued; false when the queue was full (counted in <see cref="DroppedPulses"/>).</returns>
    /// <exception cref="ObjectDisposedException">The line was disposed.</exception>
    /// <exception cref="EdgeTransferException">The output failed earlier (the GPIO write error is the inner exception).</exception>
    public bool Reject()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw new EdgeTransferException($"The reject output on pin {Options.Pin} failed and drives no more pulses: {fault.Message} Check the GPIO wiring, then restart the device program.", fault);
        }

        Interlocked.Increment(ref _requested);
        if (_requests.Writer.TryWrite(true))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Stops the worker (cutting a running pulse short), leaves the pin inactive, closes it, and disposes the controller when owned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _requests.Writer.TryComplete();
        _stop.Cancel();

        // The worker only awaits cancellable delays, so it ends at once; the bound guards against a hung driver write.
        _worker.Wait(StopTimeout);
        try
        {
            if (_controller.IsPinOpen(Options.Pin))
            {
                _controller.Write(Options.Pin, _inactive);
                if (!_shouldDispose)
                {
                    _controller.ClosePin(Options.Pin);
                }
            }
        }
        finally
        {
            if (_shouldDispose)
            {
                _controller.Dispose();
            }

            _stop.Dispose();
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            while (await _requests.Reader.WaitToReadAsync(token))
            {
                while (_requests.Reader.TryRead(out _))
                {
                    // Each delay starts before the write it follows, so the pulse is timed from the edge, and a
                    // test clock advanced on seeing the write always finds the timer.
                    var pulse = Task.Delay(Options.PulseDuration, _time, token);
                    _controller.Write(Options.Pin, _active);
                    try
                    {
                        await pulse;
                    }
                    finally
                    {
                        if (token.IsCancellationRequested)
                        {
                            _controller.Write(Options.Pin, _inactive);
                        }
                    }

                    var gap = Options.MinimumGap > TimeSpan.Zero ? Task.Delay(Options.MinimumGap, _time, token) : Task.CompletedTask;
                    _controller.Write(Options.Pin, _inactive);
                    Interlocked.Increment(ref _completed);
                    await gap;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposal.
        }
        catch (Exception ex)
        {
            // A failed GPIO write: remembered and reported by the next Reject(), never lost on a pool thread.
            Volatile.Write(ref _fault, ex);
        }
    }
}
