using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeTransfer.Mqtt.Broker;

/// <summary>
/// An MQTT 5 broker inside the process (MQTTnet.Server), on loopback by default: the zero-setup choice
/// for a single device, a demo or the fleet tool's tests. Plants run a real broker (Mosquitto, EMQX …)
/// with TLS and ACLs; see <c>devices/mosquitto/</c>.
/// </summary>
/// <remarks>It keeps persistent sessions and retained messages in memory only: they are lost when it stops.</remarks>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private int _disposed;

    private EmbeddedBroker(MqttServer server, IPAddress address, int port)
    {
        _server = server;
        Address = address;
        Port = port;
    }

    /// <summary>The address it listens on.</summary>
    public IPAddress Address { get; }

    /// <summary>The port it listens on (the free port picked when the options said 0).</summary>
    public int Port { get; }

    /// <summary>Starts a broker.</summary>
    /// <param name="options">Settings; null for loopback:1883 without authentication.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <exception cref="InvalidSettingException">
    /// The port is out of range or in use, or the address is not loopback and no users are configured.
    /// </exception>
    public static async Task<EmbeddedBroker> StartAsync(EmbeddedBrokerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedBrokerOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new InvalidSettingException("broker.port", $"expected 0 (any free port) to 65535, got {options.Port}.");
        }

        ArgumentNullException.ThrowIfNull(options.BindAddress);
        if (!IPAddress.IsLoopback(options.BindAddress) && options.Users is not { Count: > 0 })
        {
            throw new InvalidSettingException("broker.bind", $"{options.BindAddress} is reachable from other machines, and no users are configured: anyone there could command the devices. Configure users (names and passwords), or keep the default loopback address 127.0.0.1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPendingMessagesPerClient, 1);
        // MQTTnet binds the port it is given and does not report an OS-assigned one, so port 0 is
        // resolved here; the retry covers another process taking the port in between.
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var port = options.Port == 0 ? FreePort(options.BindAddress) : options.Port;
            var serverOptions = new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(ForFamily(options.BindAddress, AddressFamily.InterNetwork))
                .WithDefaultEndpointBoundIPV6Address(ForFamily(options.BindAddress, AddressFamily.InterNetworkV6))
                .WithDefaultEndpointPort(port)
                .WithPersistentSessions()
                .WithMaxPendingMessagesPerClient(options.MaxPendingMessagesPerClient)
                .Build();
            var server = new MqttServerFactory().CreateMqttServer(serverOptions);
            PacketLimits.Enforce(server);
            if (options.Users is { Count: > 0 } users)
            {
                server.ValidatingConnectionAsync += args =>
                {
                    args.ReasonCode = users.TryGetValue(args.UserName ?? "", out var password) && FixedTimeEquals(password, args.Password)
                        ? MqttConnectReasonCode.Success
                        : MqttConnectReasonCode.BadUserNameOrPassword;
                    return Task.CompletedTask;
                };
            }

            try
            {
                await server.StartAsync();
                return new EmbeddedBroker(server, options.BindAddress, port);
            }
            catch (SocketException ex)
            {
                server.Dispose();
                if (options.Port != 0 || attempt >= 4)
                {
                    throw new InvalidSettingException("broker.port", $"cannot listen on {options.BindAddress}:{port}: {ex.Message}; choose another port or stop the program using it.", ex);
                }
            }
        }
    }

    /// <summary>Stops the broker; connected clients see their connection end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _server.StopAsync(new MqttServerStopOptionsBuilder().Build());
        _server.Dispose();
    }

    // MQTTnet opens an IPv4 and an IPv6 listener, the second on [::] unless told otherwise; IPAddress.None
    // (its "no listener" value for both families) keeps the broker on exactly the address it prints.
    private static IPAddress ForFamily(IPAddress address, AddressFamily family) =>
        address.AddressFamily == family ? address : IPAddress.None;

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool FixedTimeEquals(string expected, string? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
