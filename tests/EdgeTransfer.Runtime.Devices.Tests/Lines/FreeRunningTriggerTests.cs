using EdgeTransfer.Runtime.Lines;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Lines;

public sealed class FreeRunningTriggerTests
{
    [Fact]
    public async Task WaitAsync_CompletesOncePerPeriod_OnTheInjectedClock()
    {
        // Given a 4 fps trigger on a fake clock
        var time = new FakeTimeProvider();
        using var trigger = new FreeRunningTrigger(4, time);

        // When the clock runs
        var first = trigger.WaitAsync();
        time.Advance(TimeSpan.FromMilliseconds(249));
        var earlyFirst = first.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Within(first);
        var second = trigger.WaitAsync();
        var secondAtOnce = second.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(250));
        await Eventually.Within(second);

        // Then each wait ends at the next 250 ms tick, not before
        Assert.Equal(TimeSpan.FromMilliseconds(250), trigger.Period);
        Assert.False(earlyFirst);
        Assert.False(secondAtOnce);
    }

    [Fact]
    public void Constructor_RejectsANonPositiveRate()
    {
        Assert.Equal("trigger.framesPerSecond", Assert.Throws<InvalidSettingException>(() => new FreeRunningTrigger(0)).Setting);
    }

    [Fact]
    public async Task WaitAsync_Throws_AfterDispose()
    {
        var trigger = new FreeRunningTrigger(10, new FakeTimeProvider());
        trigger.Dispose();
        trigger.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await trigger.WaitAsync());
    }
}
