using System.Net.Sockets;
using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Mqtt.Tests.Client;

public sealed class ConnectFailureTests
{
    [Fact]
    public void Describe_PutsTheOperatingSystemsReasonFirst_AndKeepsTheOuterMessage()
    {
        var inner = new SocketException((int)SocketError.ConnectionRefused);
        var outer = new IOException("Error while connecting host 'broker:1883'.", inner);

        var text = ConnectFailure.Describe(outer);

        Assert.Equal($"{inner.Message.TrimEnd('.')} (Error while connecting host 'broker:1883')", text);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_GivesTheMessageOnce_WhenTheOuterAlreadySaysIt()
    {
        Assert.Equal("Connection refused", ConnectFailure.Describe(new IOException("Connection refused.", new IOException("Connection refused"))));
        Assert.Equal("Timed out", ConnectFailure.Describe(new TimeoutException("Timed out.")));
    }
}
