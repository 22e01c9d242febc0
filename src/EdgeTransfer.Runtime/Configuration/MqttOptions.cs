namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>mqtt</c> section: the broker the device reports to and takes commands from.</summary>
public sealed class MqttOptions
{
    /// <summary>
    /// Whether the device connects to the broker at all. When the key is left out, a <c>device.json</c> that has an
    /// <c>mqtt</c> section connects and one without it does not (see <see cref="IsEnabled"/>); <c>false</c> keeps the
    /// section but stays off the network.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Whether the MQTT agent runs: <see cref="Enabled"/> is true (the loader sets it when the section is present without the key).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEnabled => Enabled == true;

    /// <summary>The broker host name or address. Default <c>localhost</c> (the embedded broker).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The broker port, 1 to 65535. Default 1883 (use 8883 with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>TLS settings, or null (default) for a plain connection.</summary>
    public MqttTlsOptions? Tls { get; set; }

    /// <summary>The user name, or null to connect without one.</summary>
    public string? Username { get; set; }

    /// <summary>A file holding the password (never the password itself in this file), or null; needs <see cref="Username"/>.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Seconds between telemetry messages, 1 to 86400. Default 30.</summary>
    public int TelemetryIntervalSeconds { get; set; } = 30;

    /// <summary>The on-disk outbox.</summary>
    public MqttOutboxSection Outbox { get; set; } = new();

    /// <summary>Which inspection results go out on <c>events</c>.</summary>
    public MqttEventsOptions Events { get; set; } = new();
}
