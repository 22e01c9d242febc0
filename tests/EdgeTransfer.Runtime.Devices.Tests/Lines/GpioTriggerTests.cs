using System.Device.Gpio;
using EdgeTransfer.Runtime.Lines;
using EdgeTransfer.Runtime.Lines.Simulation;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Lines;

public sealed class GpioTriggerTests : IDisposable
{
    private const int Pin = 17;

    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedGpioDriver _driver;

    public GpioTriggerTests() => _driver = new SimulatedGpioDriver(timeProvider: _time);

    public void Dispose() => _driver.Dispose();

    [Fact]
    public async Task WaitAsync_GivesOneTrigger_ForABouncingContact_AndIgnoresTheReleaseBounce()
    {
        // Given a rising-edge trigger with a 20 ms debounce
        using var trigger = new GpioTrigger(new GpioTriggerOptions { Pin = Pin, Debounce = TimeSpan.FromMilliseconds(20) }, _driver, _time);

        // When the barrier closes with 1 ms bounce (6 edges), stays 300 ms, and opens with bounce (5 edges)
        Bounce(PinValue.High, transitions: 7);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Bounce(PinValue.Low, transitions: 5);

        // Then exactly one trigger is pending and the rest were bounce
        await Eventually.Within(trigger.WaitAsync());
        using var cancel = new CancellationTokenSource();
        var another = trigger.WaitAsync(cancel.Token);
        Assert.False(another.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await another);
        Assert.Equal(1, trigger.TriggerCount);
        Assert.Equal(5, trigger.IgnoredBounces);
    }

    [Fact]
    public async Task WaitAsync_TriggersAgain_ForTheNextPart()
    {
        using var trigger = new GpioTrigger(new GpioTriggerOptions { Pin = Pin }, _driver, _time);

        for (var part = 0; part < 3; part++)
        {
            Bounce(PinValue.High, transitions: 3);
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Bounce(PinValue.Low, transitions: 3);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        for (var part = 0; part < 3; part++)
        {
            await Eventually.Within(trigger.WaitAsync());
        }

        Assert.Equal(3, trigger.TriggerCount);
    }

    [Fact]
    public void Trigger_FollowsTheConfiguredPolarity()
    {
        // Given a falling-edge trigger (an NPN barrier pulling the input low), idle high
        _driver.SetInput(Pin, PinValue.High);
        using var trigger = new GpioTrigger(new GpioTriggerOptions { Pin = Pin, Edge = TriggerEdge.Falling, InputMode = PinMode.InputPullUp }, _driver, _time);
        Assert.Equal(PinMode.InputPullUp, _driver.GetOpenMode(Pin));

        // When the line goes low, then high again much later
        _driver.SetInput(Pin, PinValue.Low);
        var afterFalling = trigger.TriggerCount;
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _driver.SetInput(Pin, PinValue.High);

        // Then only the falling edge triggered
        Assert.Equal(1, afterFalling);
        Assert.Equal(1, trigger.TriggerCount);
    }

    [Fact]
    public void Trigger_CountsMissedTriggers_WhenTheConsumerIsFarBehind()
    {
        using var trigger = new GpioTrigger(new GpioTriggerOptions { Pin = Pin, MaxPendingTriggers = 2 }, _driver, _time);

        for (var part = 0; part < 4; part++)
        {
            _driver.SetInput(Pin, PinValue.High);
            _time.Advance(TimeSpan.FromMilliseconds(50));
            _driver.SetInput(Pin, PinValue.Low);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(4, trigger.TriggerCount);
        Assert.Equal(2, trigger.MissedTriggers);
    }

    [Fact]
    public void Dispose_ClosesOnlyItsPin_OnABorrowedController()
    {
        using var controller = new GpioController(_driver);
        controller.OpenPin(5, PinMode.Output);
        var trigger = new GpioTrigger(new GpioTriggerOptions { Pin = Pin }, controller, shouldDispose: false, _time);

        trigger.Dispose();
        trigger.Dispose();

        Assert.False(controller.IsPinOpen(Pin));
        Assert.True(controller.IsPinOpen(5));
        controller.Write(5, PinValue.High);
    }

    [Fact]
    public async Task Dispose_EndsAPendingWait()
    {
        var trigger = new GpioTrigger(new GpioTriggerOptions { Pin = Pin }, _driver, _time);
        var wait = trigger.WaitAsync().AsTask();

        trigger.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(_driver.GetOpenMode(Pin));
    }

    [Fact]
    public void Constructor_ReportsAPinInUse_NamingTheSetting()
    {
        using var controller = new GpioController(_driver);
        controller.OpenPin(Pin, PinMode.Input);

        var error = Assert.Throws<InvalidSettingException>(() => new GpioTrigger(new GpioTriggerOptions { Pin = Pin }, controller));

        Assert.Equal("GpioTriggerOptions.Pin", error.Setting);
    }

    /// <summary>Toggles the input <paramref name="transitions"/> times 1 ms apart, ending at <paramref name="final"/> (odd count from the other level).</summary>
    private void Bounce(PinValue final, int transitions)
    {
        var level = final == PinValue.High ? PinValue.Low : PinValue.High;
        for (var i = 0; i < transitions; i++)
        {
            level = level == PinValue.High ? PinValue.Low : PinValue.High;
            _driver.SetInput(Pin, level);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(final, _driver.GetLevel(Pin));
    }
}
