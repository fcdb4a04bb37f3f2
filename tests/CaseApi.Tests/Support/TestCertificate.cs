using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CaseApi.Tests.Support;

/// <summary>A self-signed server certificate for localhost and 127.0.0.1, made fresh by each test run, as an NGO's own mail server might have.</summary>
public sealed class TestCertificate : IDisposable
{
    public TestCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        // Through PKCS #12, so that SslStream on Linux can use the private key.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        CertificatePem = created.ExportCertificatePem();
        KeyPem = key.ExportPkcs8PrivateKeyPem();
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem { get; }

    public string KeyPem { get; }

    /// <summary>The SHA-256 fingerprint as 64 hex digits, worked out here rather than by the code under test.</summary>
    public string Sha256 => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    public void Dispose() => Certificate.Dispose();

    /// <summary>A port nothing listens on now: bound and released, so that the next connection to it is refused.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
