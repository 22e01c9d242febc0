using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>A throw-away CA and a broker certificate for "localhost", as PEM files.</summary>
public static class TestCertificates
{
    /// <summary>Writes ca.crt, broker.crt, broker.key into <paramref name="directory"/>; returns the mosquitto listener lines.</summary>
    public static string WriteBrokerFiles(string directory)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=EdgeTransfer test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var brokerKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", brokerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var broker = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4, 5, 6, 7, 8]);

        File.WriteAllText(Path.Combine(directory, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "broker.crt"), broker.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "broker.key"), brokerKey.ExportPkcs8PrivateKeyPem());
        return $"""
            cafile {Path.Combine(directory, "ca.crt")}
            certfile {Path.Combine(directory, "broker.crt")}
            keyfile {Path.Combine(directory, "broker.key")}
            """;
    }
}
