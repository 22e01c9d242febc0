namespace EdgeTransfer.Mqtt.Client;

/// <summary>TLS for the broker connection: the CA that signed the broker's certificate, and optionally the client's own certificate.</summary>
public sealed class MqttTlsSettings
{
    /// <summary>PEM file of the CA certificate(s) to trust for the broker (only these; not the system store). Required.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>PEM file of the client certificate for mutual TLS, or null.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM file of the client certificate's private key; required with <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The name expected in the broker's certificate, or null for the host name.</summary>
    public string? TargetHost { get; set; }
}
