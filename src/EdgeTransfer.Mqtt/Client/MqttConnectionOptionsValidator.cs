using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>Checks <see cref="MqttConnectionOptions"/> before anything connects, naming the first bad setting.</summary>
internal static class MqttConnectionOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> for the first setting that cannot be used.</summary>
    /// <param name="options">The options to check.</param>
    public static void Validate(MqttConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Host) || options.Host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
        {
            throw new InvalidSettingException("mqtt.host", $"expected a host name or address such as \"broker.plant.local\" (no scheme, port or path), got {ProtocolIds.Quote(options.Host)}.");
        }

        if (options.Port is < 1 or > 65535)
        {
            throw new InvalidSettingException("mqtt.port", $"expected 1 to 65535, got {options.Port}.");
        }

        ProtocolIds.RequireId(options.Fleet, "device.fleet");
        if (options.Role == ConnectionRole.Device)
        {
            ProtocolIds.RequireId(options.DeviceId, "device.id");
            if (string.IsNullOrWhiteSpace(options.StateDirectory))
            {
                throw new InvalidSettingException("mqtt.stateDirectory", "a device needs a state directory for its sequence counter and outbox.");
            }
        }

        // MQTT 5 §3.1.3.1: the server must accept 1–23 of [0-9a-zA-Z]; brokers accept more, we keep to printable ASCII.
        if (options.ClientId is { } clientId && (clientId.Length is 0 or > 128 || clientId.Any(c => c is < '!' or > '~')))
        {
            throw new InvalidSettingException("mqtt.clientId", $"expected 1 to 128 printable ASCII characters, got {ProtocolIds.Quote(clientId)}.");
        }

        if (options.PasswordFile is not null && options.Username is null)
        {
            throw new InvalidSettingException("mqtt.passwordFile", "expected mqtt.username to be set as well: a password without a user name is not sent.");
        }

        if (options.Tls is { } tls)
        {
            if (string.IsNullOrWhiteSpace(tls.CaFile))
            {
                throw new InvalidSettingException("mqtt.tls.caFile", "expected the PEM file of the CA that signed the broker's certificate.");
            }

            if ((tls.ClientCertificateFile is null) != (tls.ClientKeyFile is null))
            {
                throw new InvalidSettingException(tls.ClientCertificateFile is null ? "mqtt.tls.clientCert" : "mqtt.tls.clientKey", "expected the client certificate and its key together (mutual TLS needs both), got only one.");
            }
        }

        Positive(options.KeepAlive, "mqtt.keepAlive", TimeSpan.FromHours(18)); // u16 seconds, §3.1.2.10
        Positive(options.ConnectTimeout, "mqtt.connectTimeout", TimeSpan.FromMinutes(10));
        Positive(options.ReconnectMinDelay, "mqtt.reconnectMinDelay", TimeSpan.FromHours(1));
        Positive(options.ReconnectMaxDelay, "mqtt.reconnectMaxDelay", TimeSpan.FromHours(1));
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            throw new InvalidSettingException("mqtt.reconnectMaxDelay", $"expected at least mqtt.reconnectMinDelay ({options.ReconnectMinDelay}), got {options.ReconnectMaxDelay}.");
        }

        if (options.SessionExpiry < TimeSpan.Zero || options.SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            throw new InvalidSettingException("mqtt.sessionExpiry", $"expected 0 to {uint.MaxValue} seconds (MQTT 5 §3.1.2.11.2), got {options.SessionExpiry}.");
        }

        if (options.SharedSubscriptionGroup is { } group)
        {
            ProtocolIds.RequireId(group, "mqtt.sharedGroup");
        }

        if (options.MaxPacketBytes is < 1024)
        {
            throw new InvalidSettingException("mqtt.maxPacketBytes", $"expected 1024 or more, got {options.MaxPacketBytes}.");
        }
    }

    private static void Positive(TimeSpan value, string setting, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            throw new InvalidSettingException(setting, $"expected more than 0 and at most {max}, got {value}.");
        }
    }
}
