using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Mqtt.Tests.Client;

/// <summary>The one <c>host:port</c> parser that the device program, the console and the fleet commands share.</summary>
public class BrokerAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:1883", "127.0.0.1", 1883)]
    [InlineData("broker.plant.local", "broker.plant.local", 1883)]
    [InlineData(" broker.plant.local:8883 ", "broker.plant.local", 8883)]
    [InlineData("[::1]:8883", "::1", 8883)]
    public void Parse_ReadsHostAndPort_WithTheDefaultPortWhenNoneIsGiven(string text, string host, int port)
    {
        // When the text is parsed
        var (parsedHost, parsedPort) = BrokerAddress.Parse(text);

        // Then host and port are the ones written
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("", "expected host:port")]
    [InlineData(":1883", "expected host:port")]
    [InlineData("mqtt://broker:1883", "expected host:port")]
    [InlineData("::1:1883", "expected host:port")]
    [InlineData("broker:0", "expected a port from 1 to 65535")]
    [InlineData("broker:65536", "expected a port from 1 to 65535")]
    [InlineData("broker:http", "expected a port from 1 to 65535")]
    public void Parse_RefusesText_ThatIsNotAHostWithAPort_NamingTheOption(string text, string reason)
    {
        // When a bad address is parsed for --broker
        var error = Assert.Throws<InvalidSettingException>(() => BrokerAddress.Parse(text, "--broker"));

        // Then the error names the option and says what was expected
        Assert.Equal("--broker", error.Setting);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_BracketsIPv6Addresses_SoThatParseReadsThemBack()
    {
        var address = new BrokerAddress("::1", 1883);
        Assert.Equal("[::1]:1883", address.ToString());
        Assert.Equal(address, BrokerAddress.Parse(address.ToString()));
    }
}
