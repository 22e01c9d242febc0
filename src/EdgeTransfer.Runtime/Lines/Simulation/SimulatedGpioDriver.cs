using System.Device.Gpio;

namespace EdgeTransfer.Runtime.Lines.Simulation;

/// <summary>
/// A GPIO driver without hardware, for tests and for running the device program on a desk: output writes
/// are recorded with their time, and input levels are set by the test or demo (<see cref="SetInput"/>),
/// which raises the edge callbacks a real chip would. Use it through a <see cref="GpioController"/> like
/// any driver.
/// </summary>
/// <remarks>
/// It checks what real drivers check (a pin must be open, writes go to output pins), so that code that
/// passes here does not fail on the device for a missing <c>OpenPin</c>. Thread-safe; callbacks run on
/// the thread that calls <see cref="SetInput"/>, outside the driver's lock.
/// </remarks>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly int _pinCount;
    private readonly Dictionary<int, PinMode> _open = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];
    private readonly List<GpioWrite> _writes = [];

    /// <summary>Creates a driver with <paramref name="pinCount"/> pins, all low.</summary>
    /// <param name="pinCount">The number of pins (0 … pinCount−1).</param>
    /// <param name="timeProvider">The clock for write timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public SimulatedGpioDriver(int pinCount = 64, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pinCount);
        _pinCount = pinCount;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Raised after each recorded write (on the writing thread).</summary>
    public event EventHandler<GpioWriteEventArgs>? Written;

    /// <summary>Every write so far, oldest first (a copy).</summary>
    public IReadOnlyList<GpioWrite> Writes
    {
        get
        {
            lock (_lock)
            {
                return [.. _writes];
            }
        }
    }

    /// <inheritdoc />
    protected override int PinCount => _pinCount;

    /// <summary>The writes to one pin, oldest first (a copy).</summary>
    /// <param name="pin">The pin.</param>
    /// <returns>The writes.</returns>
    public IReadOnlyList<GpioWrite> WritesTo(int pin)
    {
        lock (_lock)
        {
            return [.. _writes.Where(w => w.Pin == pin)];
        }
    }

    /// <summary>The current level of a pin (what was written, or what <see cref="SetInput"/> set).</summary>
    /// <param name="pin">The pin.</param>
    /// <returns>The level; low for a pin never set.</returns>
    public PinValue GetLevel(int pin)
    {
        lock (_lock)
        {
            return _levels.GetValueOrDefault(pin, PinValue.Low);
        }
    }

    /// <summary>Whether a pin is open, and in which mode.</summary>
    /// <param name="pin">The pin.</param>
    /// <returns>The mode, or null when the pin is closed.</returns>
    public PinMode? GetOpenMode(int pin)
    {
        lock (_lock)
        {
            return _open.TryGetValue(pin, out var mode) ? mode : null;
        }
    }

    /// <summary>
    /// Sets the level of an input, as the wired sensor would; a change raises the rising or falling callbacks
    /// registered for the pin. Setting the same level again raises nothing (no edge).
    /// </summary>
    /// <param name="pin">The pin.</param>
    /// <param name="level">The new level.</param>
    public void SetInput(int pin, PinValue level)
    {
        CheckPin(pin);
        PinEventTypes edge;
        (PinEventTypes Types, PinChangeEventHandler Handler)[] callbacks;
        lock (_lock)
        {
            var previous = _levels.GetValueOrDefault(pin, PinValue.Low);
            _levels[pin] = level;
            if (previous == level)
            {
                return;
            }

            edge = level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            callbacks = _callbacks.TryGetValue(pin, out var list) ? [.. list] : [];
        }

        foreach (var (types, handler) in callbacks)
        {
            if ((types & edge) != 0)
            {
                handler(this, new PinValueChangedEventArgs(edge, pin));
            }
        }
    }

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            if (!_open.TryAdd(pinNumber, PinMode.Input))
            {
                throw new InvalidOperationException($"Pin {pinNumber} is already open.");
            }
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_lock)
        {
            _open.Remove(pinNumber);
            _callbacks.Remove(pinNumber);
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_lock)
        {
            RequireOpen(pinNumber);
            _open[pinNumber] = mode;
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_lock)
        {
            RequireOpen(pinNumber);
            return _open[pinNumber];
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber >= 0 && pinNumber < _pinCount && mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber)
    {
        lock (_lock)
        {
            RequireOpen(pinNumber);
            return _levels.GetValueOrDefault(pinNumber, PinValue.Low);
        }
    }

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        GpioWrite write;
        lock (_lock)
        {
            RequireOpen(pinNumber);
            if (_open[pinNumber] != PinMode.Output)
            {
                throw new InvalidOperationException($"Pin {pinNumber} is an input ({_open[pinNumber]}); only output pins can be written.");
            }

            _levels[pinNumber] = value;
            write = new GpioWrite(_time.GetUtcNow(), pinNumber, value);
            _writes.Add(write);
        }

        Written?.Invoke(this, new GpioWriteEventArgs(write));
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var signal = new SemaphoreSlim(0);
        var seen = PinEventTypes.None;
        void Handler(object sender, PinValueChangedEventArgs e)
        {
            seen = e.ChangeType;
            signal.Release();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, Handler);
        try
        {
            signal.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, Handler);
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            RequireOpen(pinNumber);
            if (!_callbacks.TryGetValue(pinNumber, out var list))
            {
                _callbacks[pinNumber] = list = [];
            }

            list.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            if (_callbacks.TryGetValue(pinNumber, out var list))
            {
                list.RemoveAll(c => c.Handler == callback);
            }
        }
    }

    private void CheckPin(int pin) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)pin, (uint)_pinCount, nameof(pin));

    private void RequireOpen(int pin)
    {
        if (!_open.ContainsKey(pin))
        {
            throw new InvalidOperationException($"Pin {pin} is not open; open it first.");
        }
    }
}
