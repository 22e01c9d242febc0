using System.Device.Gpio;
using EdgeTransfer.Runtime.Lines;
using EdgeTransfer.Runtime.Lines.Simulation;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Lines;

public sealed class RejectLineTests : IDisposable
{
    private const int Pin = 22;
    private static readonly TimeSpan Pulse = TimeSpan.FromMilliseconds(80);
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(20);

    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedGpioDriver _driver;

    public RejectLineTests() => _driver = new SimulatedGpioDriver(timeProvider: _time);

    public void Dispose() => _driver.Dispose();

    [Theory]
    [InlineData(OutputPolarity.ActiveHigh, 1, 0)]
    [InlineData(OutputPolarity.ActiveLow, 0, 1)]
    public void Reject_DrivesOnePulseOfTheConfiguredLength_AndPolarity(OutputPolarity polarity, int active, int inactive)
    {
        // Given a reject line, opened at its inactive level
        using var line = new RejectLine(Options(polarity), _driver, _time);
        Assert.Equal(PinMode.Output, _driver.GetOpenMode(Pin));
        Assert.Equal(inactive, (int)_driver.GetLevel(Pin));
        var opened = _driver.WritesTo(Pin).Count;

        // When one defect is rejected and the clock runs through the pulse
        line.Reject();
        WaitForWrites(opened + 1);
        _time.Advance(Pulse);
        WaitForWrites(opened + 2);

        // Then the pin was active for exactly the pulse length, then inactive again
        var writes = _driver.WritesTo(Pin).Skip(opened).ToArray();
        Assert.Equal([active, inactive], writes.Select(w => (int)w.Value));
        Assert.Equal(Pulse, writes[1].At - writes[0].At);
        Assert.All(_driver.WritesTo(Pin).Take(opened), w => Assert.Equal(inactive, (int)w.Value));
        Eventually.True(() => line.CompletedPulses == 1, "the pulse is counted");
    }

    [Fact]
    public void Reject_QueuesPulses_SoThatTheyNeverOverlap()
    {
        // Given an active-high line
        using var line = new RejectLine(Options(OutputPolarity.ActiveHigh), _driver, _time);
        var opened = _driver.WritesTo(Pin).Count;

        // When three defects come at the same moment and the clock runs pulse, gap, pulse, gap, pulse
        Assert.True(line.Reject());
        Assert.True(line.Reject());
        Assert.True(line.Reject());
        for (var i = 0; i < 3; i++)
        {
            WaitForWrites(opened + (i * 2) + 1);
            _time.Advance(Pulse);
            WaitForWrites(opened + (i * 2) + 2);
            _time.Advance(Gap);
        }

        // Then there were three separate pulses of full length with at least the gap between them
        var writes = _driver.WritesTo(Pin).Skip(opened).ToArray();
        Assert.Equal([1, 0, 1, 0, 1, 0], writes.Select(w => (int)w.Value));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Pulse, writes[(i * 2) + 1].At - writes[i * 2].At);
            if (i > 0)
            {
                Assert.True(writes[i * 2].At - writes[(i * 2) - 1].At >= Gap, "pulses are separated by the gap");
            }
        }

        Eventually.True(() => line.CompletedPulses == 3, "three pulses are counted");
    }

    [Fact]
    public void Reject_DropsPulses_BeyondTheQueue()
    {
        using var line = new RejectLine(Options(OutputPolarity.ActiveHigh, maxPending: 1), _driver, _time);
        var opened = _driver.WritesTo(Pin).Count;

        line.Reject();
        WaitForWrites(opened + 1); // the first pulse runs and left the queue
        var second = line.Reject();
        var third = line.Reject();

        Assert.True(second);
        Assert.False(third);
        Assert.Equal(1, line.DroppedPulses);
        Assert.Equal(3, line.RequestedPulses);
    }

    [Theory]
    [InlineData(OutputPolarity.ActiveHigh, 0)]
    [InlineData(OutputPolarity.ActiveLow, 1)]
    public void Dispose_InTheMiddleOfAPulse_LeavesThePinInactive(OutputPolarity polarity, int inactive)
    {
        // Given a line that is in the middle of a pulse, on a borrowed controller
        using var controller = new GpioController(_driver);
        var line = new RejectLine(Options(polarity), controller, shouldDispose: false, _time);
        var opened = _driver.WritesTo(Pin).Count;
        line.Reject();
        WaitForWrites(opened + 1);

        // When it is disposed (twice)
        line.Dispose();
        line.Dispose();

        // Then the last level written is inactive, and the pin is closed while the controller lives on
        Assert.Equal(inactive, (int)_driver.WritesTo(Pin)[^1].Value);
        Assert.Equal(inactive, (int)_driver.GetLevel(Pin));
        Assert.False(controller.IsPinOpen(Pin));
        Assert.Throws<ObjectDisposedException>(() => line.Reject());
    }

    [Fact]
    public void Constructor_RejectsAZeroPulse_NamingTheSetting()
    {
        var error = Assert.Throws<InvalidSettingException>(() => new RejectLine(new RejectLineOptions { Pin = Pin, PulseDuration = TimeSpan.Zero }, _driver, _time));

        Assert.Equal("RejectLineOptions.PulseDuration", error.Setting);
    }

    [Fact]
    public void Constructor_RefusesAPinAlreadyOpen_OnTheController()
    {
        using var controller = new GpioController(_driver);
        controller.OpenPin(Pin, PinMode.Output);

        var error = Assert.Throws<InvalidSettingException>(() => new RejectLine(Options(OutputPolarity.ActiveHigh), controller, shouldDispose: false, _time));

        Assert.Equal("RejectLineOptions.Pin", error.Setting);
        Assert.True(controller.IsPinOpen(Pin));
    }

    private static RejectLineOptions Options(OutputPolarity polarity, int maxPending = 16) => new()
    {
        Pin = Pin,
        PulseDuration = Pulse,
        MinimumGap = Gap,
        Polarity = polarity,
        MaxPendingPulses = maxPending,
    };

    private void WaitForWrites(int count) => Eventually.True(() => _driver.WritesTo(Pin).Count >= count, $"{count} writes to pin {Pin}");
}
