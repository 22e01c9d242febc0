using EdgeTransfer.Mqtt.Outbox;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>Settings of a <see cref="MqttConnection"/>; checked by <see cref="MqttConnectionOptionsValidator"/> when the connection is created.</summary>
public sealed class MqttConnectionOptions
{
    /// <summary>Device or fleet.</summary>
    public ConnectionRole Role { get; set; } = ConnectionRole.Device;

    /// <summary>The broker host. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker port, 1 to 65535. Default 1883 (8883 with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The fleet id (third topic level).</summary>
    public string Fleet { get; set; } = "default";

    /// <summary>The device id (fourth topic level); required for <see cref="ConnectionRole.Device"/>.</summary>
    public string? DeviceId { get; set; }

    /// <summary>The MQTT client id; null for <c>et-{fleet}-{device}</c> (device) or a random <c>et-fleet-…</c> (fleet).</summary>
    public string? ClientId { get; set; }

    /// <summary>The user name, or null for none.</summary>
    public string? Username { get; set; }

    /// <summary>A file holding the password (read at every connect, so it can be rotated), or null.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>TLS settings, or null for plain TCP (loopback only, please).</summary>
    public MqttTlsSettings? Tls { get; set; }

    /// <summary>
    /// How long the broker keeps the session (subscriptions and queued QoS 1 messages) after a disconnect
    /// (MQTT 5 §3.1.2.11.2). Devices default to 1 day with clean start off, so commands sent while a device
    /// was away arrive when it returns. Zero means a clean, non-persistent session.
    /// </summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Keep-alive (MQTT 5 §3.1.2.10): the broker declares the client dead after 1.5× this without traffic. Default 15 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one connect attempt may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect delay; it doubles per failure (with jitter) up to <see cref="ReconnectMaxDelay"/>. Default 1 s.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay. Default 60 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The device's state directory (sequence counter, outbox); required for devices.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Outbox bounds for devices; its directory defaults to <c>{StateDirectory}/outbox</c>.</summary>
    public MqttOutboxOptions Outbox { get; set; } = new();

    /// <summary>Fleet: an MQTT 5 shared-subscription group (§4.8.2) so several consumers split the fleet's messages; null for none.</summary>
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary>The packet limit of a connection that receives no commands (the fleet side): 16 MiB.</summary>
    public const int DefaultMaxPacketBytes = 16 << 20;

    /// <summary>
    /// The largest packet this client accepts (MQTT 5 §3.1.2.11.4); the broker drops larger ones for it. Null (default):
    /// for a device, its largest legal command plus MQTT's own fields (see <see cref="MqttConnection.MaxPacketBytes"/>);
    /// otherwise <see cref="DefaultMaxPacketBytes"/>.
    /// </summary>
    public int? MaxPacketBytes { get; set; }
}
