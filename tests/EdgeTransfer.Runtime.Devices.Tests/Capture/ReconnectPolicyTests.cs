using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

public sealed class ReconnectPolicyTests
{
    [Fact]
    public void GetDelay_GrowsExponentially_AndIsCapped()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(5), Multiplier = 2, Jitter = 0 };

        var delays = Enumerable.Range(1, 7).Select(a => policy.GetDelay(a, 0.5).TotalMilliseconds);

        Assert.Equal([500.0, 1000, 2000, 4000, 5000, 5000, 5000], delays);
    }

    [Theory]
    [InlineData(0.0, 800)]
    [InlineData(0.5, 1000)]
    [InlineData(0.999999, 1200)]
    public void GetDelay_SpreadsByTheJitter_WithinItsBounds(double sample, double expectedMs)
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0.2 };

        Assert.Equal(expectedMs, policy.GetDelay(1, sample).TotalMilliseconds, precision: 0);
    }

    [Fact]
    public void GetDelay_NeverExceedsTheCap_EvenWithJitter()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2), Jitter = 0.5 };

        Assert.Equal(TimeSpan.FromSeconds(2), policy.GetDelay(10, 0.999));
    }

    [Fact]
    public void Validate_RejectsAMaxBelowTheInitialDelay()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) };

        Assert.Equal("ReconnectPolicy.MaxDelay", Assert.Throws<InvalidSettingException>(policy.Validate).Setting);
    }
}
