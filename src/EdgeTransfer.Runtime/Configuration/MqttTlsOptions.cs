namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>mqtt.tls</c> section: TLS to the broker. Relative paths are taken from the directory of <c>device.json</c>.</summary>
public sealed class MqttTlsOptions
{
    /// <summary>The PEM file of the CA that signed the broker's certificate, or null for the system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>The PEM client certificate for mutual TLS, or null; needs <see cref="ClientKey"/>.</summary>
    public string? ClientCert { get; set; }

    /// <summary>The PEM private key of <see cref="ClientCert"/>, or null; must not be readable by other users.</summary>
    public string? ClientKey { get; set; }
}
