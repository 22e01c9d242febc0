using System.Net;

namespace EdgeTransfer.Mqtt.Broker;

/// <summary>Settings of the <see cref="EmbeddedBroker"/>.</summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>
    /// The one address to listen on (no other address or address family is opened). Default loopback only: the
    /// embedded broker is for one machine. Any other address needs <see cref="Users"/>.
    /// </summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one (see <see cref="EmbeddedBroker.Port"/>). Default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>User names and passwords allowed to connect; null or empty lets anyone who can reach a loopback address connect.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; set; }

    /// <summary>QoS 1 messages the broker queues per offline persistent session before dropping the oldest. Default 100,000.</summary>
    public int MaxPendingMessagesPerClient { get; set; } = 100_000;
}
