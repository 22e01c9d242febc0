using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>How the fleet tool reaches the broker; turned into a fleet-role <see cref="MqttConnectionOptions"/>.</summary>
public sealed class FleetConnectionOptions
{
    /// <summary>The broker. Default <c>127.0.0.1:1883</c>.</summary>
    public BrokerAddress Broker { get; set; } = BrokerAddress.Default;

    /// <summary>The fleet id (third topic level). Default <c>default</c>, the devices' default too.</summary>
    public string Fleet { get; set; } = "default";

    /// <summary>PEM file of the CA that signed the broker's certificate; null for plain TCP (loopback only).</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>The user name (the broker's ACL gives the <c>fleet</c> role the right to send commands), or null.</summary>
    public string? Username { get; set; }

    /// <summary>A file holding the password, or null. Never a password on the command line: it would show in <c>ps</c>.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>An MQTT 5 shared-subscription group (§4.8.2) for <c>watch</c>, so several consumers split a fleet; null for none.</summary>
    public string? SharedGroup { get; set; }

    /// <summary>How long the first connection may take before the tool gives up. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Builds and validates the connection settings, naming the command-line option at fault.</summary>
    /// <exception cref="InvalidSettingException">A value cannot be used.</exception>
    public MqttConnectionOptions ToConnectionOptions()
    {
        ProtocolIds.RequireId(Fleet, "--fleet");
        if (SharedGroup is not null)
        {
            ProtocolIds.RequireId(SharedGroup, "--share");
        }

        if (PasswordFile is not null && Username is null)
        {
            throw new InvalidSettingException("--password-file", "expected --username as well: a password without a user name is not sent.");
        }

        if (PasswordFile is not null && !File.Exists(PasswordFile))
        {
            throw new InvalidSettingException("--password-file", $"'{PasswordFile}' does not exist; write the password on the first line of a file readable only by you.");
        }

        if (TlsCaFile is not null && !File.Exists(TlsCaFile))
        {
            throw new InvalidSettingException("--tls-ca", $"'{TlsCaFile}' does not exist; give the PEM file of the CA that signed the broker's certificate.");
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            throw new InvalidSettingException("--connect-timeout", $"expected more than 0 and at most 10 minutes, got {ConnectTimeout}.");
        }

        var options = new MqttConnectionOptions
        {
            Role = ConnectionRole.Fleet,
            Host = Broker.Host,
            Port = Broker.Port,
            Fleet = Fleet,
            Username = Username,
            PasswordFile = PasswordFile,
            Tls = TlsCaFile is null ? null : new MqttTlsSettings { CaFile = TlsCaFile },
            SharedSubscriptionGroup = SharedGroup,
            ConnectTimeout = ConnectTimeout,
            // A tool that runs for seconds: retry fast while it waits, give up at ConnectTimeout.
            ReconnectMinDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaxDelay = TimeSpan.FromSeconds(2),
            KeepAlive = TimeSpan.FromSeconds(15),
        };
        MqttConnectionOptionsValidator.Validate(options);
        return options;
    }
}
