using System.Device.Gpio;
using System.Threading.Channels;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>
/// A trigger from a light barrier on a GPIO input: each debounced edge of the configured polarity is one
/// part, queued for the inspection loop.
/// </summary>
/// <remarks>
/// <para>
/// Debounce: both edges are watched; an edge that comes less than <see cref="GpioTriggerOptions.Debounce"/>
/// after the previous edge of either kind is bounce and ignored. The first edge of a bouncing contact
/// triggers at once (no added latency) and its chatter is dropped, and so is the chatter when the contact
/// opens again, which would otherwise bring edges of the triggering kind too.
/// </para>
/// <para>
/// Ownership follows dotnet/iot bindings: with a <see cref="GpioController"/> and <c>shouldDispose</c>
/// false the trigger only opens and closes its own pin; with <c>shouldDispose</c> true, or when given a
/// <see cref="GpioDriver"/>, it disposes the controller (and so the driver) with itself.
/// </para>
/// </remarks>
public sealed partial class GpioTrigger : ITrigger
{
    private readonly GpioController _controller;
    private readonly bool _shouldDispose;
    private readonly TimeProvider _time;
    private readonly PinEventTypes _wanted;
    private readonly TimeSpan _debounce;
    private readonly Channel<long> _triggers;
    private readonly Lock _edgeLock = new();
    private long _lastEdge;
    private bool _sawEdge;
    private long _triggerCount;
    private long _missed;
    private long _bounces;
    private int _disposed;

    /// <summary>Opens the input pin on a controller.</summary>
    /// <param name="options">The pin, edge and debounce; validated here.</param>
    /// <param name="controller">The GPIO controller.</param>
    /// <param name="shouldDispose">True to dispose the controller with this trigger; false to leave it to the caller (only the pin is closed).</param>
    /// <param name="timeProvider">The clock for debouncing; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">A setting is bad, or the pin cannot be opened as an input.</exception>
    public GpioTrigger(GpioTriggerOptions options, GpioController controller, bool shouldDispose = false, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        try
        {
            GpioTriggerOptionsValidator.Validate(options);
            Options = options;
            _controller = controller;
            _shouldDispose = shouldDispose;
            _time = timeProvider ?? TimeProvider.System;
            _wanted = options.Edge == TriggerEdge.Rising ? PinEventTypes.Rising : PinEventTypes.Falling;
            _debounce = options.Debounce;

            // Bounded: a consumer that is far behind gets the parts that fit, the rest are counted as missed rather than piling up.
            _triggers = Channel.CreateBounded<long>(new BoundedChannelOptions(options.MaxPendingTriggers)
            {
                // Wait mode makes TryWrite return false when full (DropWrite would report success), so the drop is counted.
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
            GpioPins.OpenExclusive(controller, options.Pin, options.InputMode, null, "GpioTriggerOptions.Pin", "the trigger", options.InputMode.ToString());
            controller.RegisterCallbackForPinValueChangedEvent(options.Pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
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

    /// <summary>Opens the input pin on a driver, which the trigger owns from now on (disposed with it).</summary>
    /// <param name="options">The pin, edge and debounce; validated here.</param>
    /// <param name="driver">The GPIO driver (a chip on the device, a <see cref="Simulation.SimulatedGpioDriver"/> in tests and demos).</param>
    /// <param name="timeProvider">The clock for debouncing; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">A setting is bad, or the pin cannot be opened as an input.</exception>
    public GpioTrigger(GpioTriggerOptions options, GpioDriver driver, TimeProvider? timeProvider = null)
        : this(options, new GpioController(driver ?? throw new ArgumentNullException(nameof(driver))), shouldDispose: true, timeProvider)
    {
    }

    /// <summary>The settings in force.</summary>
    public GpioTriggerOptions Options { get; }

    /// <summary>How many triggers were accepted (after debouncing).</summary>
    public long TriggerCount => Interlocked.Read(ref _triggerCount);

    /// <summary>How many accepted triggers were dropped because <see cref="GpioTriggerOptions.MaxPendingTriggers"/> were already waiting.</summary>
    public long MissedTriggers => Interlocked.Read(ref _missed);

    /// <summary>How many edges were ignored as contact bounce.</summary>
    public long IgnoredBounces => Interlocked.Read(ref _bounces);

    /// <inheritdoc />
    public async ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await _triggers.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException($"The GPIO trigger on pin {Options.Pin} was disposed while waiting.", ex);
        }
    }

    /// <summary>Stops watching the pin, closes it, and disposes the controller when owned; waiting callers get <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _triggers.Writer.TryComplete();
        try
        {
            _controller.UnregisterCallbackForPinValueChangedEvent(Options.Pin, OnEdge);
            if (!_shouldDispose && _controller.IsPinOpen(Options.Pin))
            {
                _controller.ClosePin(Options.Pin);
            }
        }
        finally
        {
            if (_shouldDispose)
            {
                _controller.Dispose();
            }
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        var now = _time.GetTimestamp();
        lock (_edgeLock)
        {
            var bounce = _sawEdge && _time.GetElapsedTime(_lastEdge, now) < _debounce;
            _lastEdge = now;
            _sawEdge = true;
            if ((e.ChangeType & _wanted) == 0)
            {
                return;
            }

            if (bounce)
            {
                _bounces++;
                return;
            }
        }

        Interlocked.Increment(ref _triggerCount);
        if (!_triggers.Writer.TryWrite(now) && Volatile.Read(ref _disposed) == 0)
        {
            Interlocked.Increment(ref _missed);
        }
    }
}
