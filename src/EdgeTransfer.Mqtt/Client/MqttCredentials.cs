using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// Reads what a connection presents to the broker — the password file, the CA to trust, the client
/// certificate — naming the setting and the file when one cannot be used.
/// </summary>
/// <remarks>
/// Everything is read again at every connect, so a rotated password or certificate is picked up without a
/// restart; <see cref="CheckReadable"/> reads it all once at start so that a wrong path fails there, loudly,
/// instead of in the background reconnect loop.
/// </remarks>
internal static class MqttCredentials
{
    /// <summary>Reads every configured file once; throws <see cref="InvalidSettingException"/> for the first that cannot be used.</summary>
    public static void CheckReadable(MqttConnectionOptions options)
    {
        if (options.PasswordFile is { } passwordFile)
        {
            _ = ReadPassword(passwordFile);
        }

        if (options.Tls is { } tls)
        {
            _ = LoadCa(tls.CaFile);
            LoadClientCertificate(tls)?.Dispose();
        }
    }

    /// <summary>The password: the file's text without the final line break.</summary>
    public static string ReadPassword(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException("mqtt.passwordFile", $"cannot read '{path}': {ex.Message}", ex);
        }

        var password = text.TrimEnd('\r', '\n');
        return password.Length > 0 ? password : throw new InvalidSettingException("mqtt.passwordFile", $"'{path}' is empty; write the password on its first line.");
    }

    /// <summary>Why the broker refused the CONNECT, as a sentence that names the user and where its password comes from.</summary>
    public static string DescribeRefusal(MqttConnectionOptions options, MqttClientConnectResultCode code, string? reason)
    {
        var user = options.Username is { } name ? $"user '{name}'" : "an anonymous client (no mqtt.username)";
        var detail = string.IsNullOrEmpty(reason) ? "" : $" ({reason})";
        return code switch
        {
            MqttClientConnectResultCode.BadUserNameOrPassword => options.PasswordFile is { } file
                ? $"refused {user}: wrong user name or password{detail}; check mqtt.username and the password in '{file}' (read again at every attempt)."
                : $"refused {user}: it needs a password{detail}; set mqtt.passwordFile.",
            MqttClientConnectResultCode.NotAuthorized => $"does not authorize {user}{detail}; check the broker's password file and ACL.",
            _ => $"refused the connection of {user} ({code}{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}); check the user name, password file and the broker's log.",
        };
    }

    /// <summary>MQTTnet TLS options that trust only the configured CA and check the host name.</summary>
    public static MqttClientTlsOptions BuildTls(MqttTlsSettings tls, string host)
    {
        var trusted = LoadCa(tls.CaFile);
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls(true)
            .WithTargetHost(tls.TargetHost ?? host)
            .WithCertificateValidationHandler(args => IsTrusted(args, trusted, tls.TargetHost ?? host));
        if (LoadClientCertificate(tls) is { } client)
        {
            builder = builder.WithClientCertificates([client]);
        }

        return builder.Build();
    }

    private static X509Certificate2Collection LoadCa(string caFile)
    {
        var trusted = new X509Certificate2Collection();
        try
        {
            trusted.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidSettingException("mqtt.tls.caFile", $"cannot read the CA certificate '{caFile}': {ex.Message}", ex);
        }

        // A readable file without a single certificate would make every TLS handshake fail later, silently.
        return trusted.Count > 0 ? trusted : throw new InvalidSettingException("mqtt.tls.caFile", $"'{caFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }

    private static X509Certificate2? LoadClientCertificate(MqttTlsSettings tls)
    {
        if (tls.ClientCertificateFile is not { } certFile)
        {
            return null;
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, tls.ClientKeyFile);
            // SslStream on Windows cannot use a PEM-born ephemeral key; a PKCS#12 round trip works everywhere.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidSettingException("mqtt.tls.clientCert", $"cannot read the client certificate '{certFile}' with key '{tls.ClientKeyFile}': {ex.Message}", ex);
        }
    }

    // A broker that is not trusted is refused with the reason, thrown from the validation so that it becomes the
    // handshake's own error and the connection warning's reason ("does not lead to the CA in mqtt.tls.caFile"), instead
    // of SslStream's "rejected by the provided RemoteCertificateValidationCallback" for every cause.
    private static bool IsTrusted(MqttClientCertificateValidationEventArgs args, X509Certificate2Collection trusted, string host)
    {
        if (args.Certificate is null || (args.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            throw new AuthenticationException("the broker sent no certificate");
        }

        using var certificate = new X509Certificate2(args.Certificate);
        if ((args.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            throw new AuthenticationException($"the broker's certificate ({certificate.Subject}) is not issued for '{host}', the name the device connects to (mqtt.host)");
        }

        // Trust only the configured CA, not the machine's store: a plant broker uses its own CA.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim().TrimEnd('.')).Where(s => s.Length > 0).Distinct());
            throw new AuthenticationException($"the broker's certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not lead to the CA in mqtt.tls.caFile{(status.Length > 0 ? $": {status}" : string.Empty)}");
        }

        return true;
    }
}
