using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EmrPortal.DevIdentityProvider;

/// <summary>
/// This run's TLS material: a throw-away CA and a server certificate for the Microsoft sign-in hosts (and loopback),
/// signed by it. The CA goes into <c>ca-bundle.pem</c> next to the system CAs, for the apps' <c>SSL_CERT_FILE</c>;
/// the CA's private key is never written.
/// </summary>
public static class TlsMaterial
{
    public const string BundleFileName = "ca-bundle.pem";
    public const string CaFileName = "ca.pem";
    private const string SystemBundle = "/etc/ssl/certs/ca-certificates.crt";

    public static X509Certificate2 CreateServerCertificate(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=EmrPortal development identity provider CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=login.microsoftonline.com", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in ProviderOptions.MicrosoftHosts)
        {
            names.AddDnsName(host);
        }

        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddDays(6), serial);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Re-import through PKCS#12 so the key is usable by SslStream on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        var caPem = ca.ExportCertificatePem();
        File.WriteAllText(Path.Combine(directory, CaFileName), caPem + "\n");
        var system = File.Exists(SystemBundle) ? File.ReadAllText(SystemBundle) : "";
        File.WriteAllText(Path.Combine(directory, BundleFileName), system.TrimEnd() + "\n" + caPem + "\n");
        return server;
    }
}
