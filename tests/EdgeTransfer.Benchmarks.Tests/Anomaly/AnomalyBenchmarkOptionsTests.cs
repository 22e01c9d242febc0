using EdgeTransfer.Benchmarks.Anomaly;

namespace EdgeTransfer.Benchmarks.Tests.Anomaly;

public class AnomalyBenchmarkOptionsTests
{
    [Fact]
    public void NegativeCoresetRows_AreRefusedNamingTheOption()
    {
        var options = new AnomalyBenchmarkOptions { DataDirectory = Path.GetTempPath(), CoresetRows = -1 };

        var error = Assert.Throws<InvalidSettingException>(options.Validate);

        Assert.Contains("--coreset-rows", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 2048)]
    [InlineData(0, 0)]
    [InlineData(512, 512)]
    public void TheDeviceDefaultBank_TakesTheCoresetRowCapWhenGiven(int? rows, int expected) =>
        Assert.Equal(expected, BankConfiguration.DeviceDefault(2, rows).Options.MaxCoresetRows);
}
