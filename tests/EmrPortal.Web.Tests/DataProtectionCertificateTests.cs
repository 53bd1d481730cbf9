using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Web.Tests;

/// <summary>The data-protection key ring is encrypted with the certificate a deployment mounts (DataProtection:Certificate*).</summary>
public sealed class DataProtectionCertificateTests : IDisposable
{
    private const string Password = "pfx-Sentinel-Password-31337";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("emrportal-dp-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Keys_written_to_the_ring_are_encrypted_with_the_configured_certificate()
    {
        using var certificate = CreateCertificate();
        var pfx = Path.Combine(_folder.FullName, "certificate.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, Password));
        var keys = Directory.CreateDirectory(Path.Combine(_folder.FullName, "keys"));

        using var factory = Factory(pfx, Password, keys.FullName);
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var cipher = protector.Protect("hello");

        Assert.Equal("hello", protector.Unprotect(cipher));
        var xml = File.ReadAllText(Assert.Single(keys.GetFiles("key-*.xml")).FullName);
        Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        // The encrypted key names the certificate that can decrypt it.
        Assert.Contains(Convert.ToBase64String(certificate.RawData), xml.Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_certificate_the_ring_is_written_unencrypted_as_before()
    {
        var keys = Directory.CreateDirectory(Path.Combine(_folder.FullName, "keys"));

        using var factory = Factory(null, null, keys.FullName);
        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("hello");

        var xml = File.ReadAllText(Assert.Single(keys.GetFiles("key-*.xml")).FullName);
        Assert.DoesNotContain("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.Contains("<value>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_certificate_stops_startup_naming_the_setting_not_the_password()
    {
        var pfx = Path.Combine(_folder.FullName, "broken.pfx");
        File.WriteAllText(pfx, "not a certificate");

        using var factory = Factory(pfx, Password, keysFolder: null);
        var error = Assert.ThrowsAny<Exception>(() => factory.Services.GetRequiredService<IDataProtectionProvider>());

        var text = error.ToString();
        Assert.Contains("DataProtection:CertificatePath", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=emrportal-dataprotection-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static WebApplicationFactory<WebApp> Factory(string? certificatePath, string? password, string? keysFolder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        return new WebApplicationFactory<WebApp>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Authentication:Mode", "Demo");
            builder.UseSetting("Authentication:Demo:AllowInProduction", "true");
            builder.UseSetting("Authentication:Demo:PrivateKeyPem", pem);
            builder.UseSetting("Proxy:BaseUrl", "http://127.0.0.1:9/");
            if (certificatePath is not null)
            {
                builder.UseSetting("DataProtection:CertificatePath", certificatePath);
                builder.UseSetting("DataProtection:CertificatePassword", password);
            }

            if (keysFolder is not null)
            {
                // Where the ring is written is the deployment's choice (Redis in the cluster); a folder here, to read it.
                builder.ConfigureTestServices(s => s.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keysFolder)));
            }
        });
    }
}
