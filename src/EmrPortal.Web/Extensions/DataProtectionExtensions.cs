using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace EmrPortal.Web.Extensions;

/// <summary>
/// Encryption at rest of the data-protection key ring (section <c>DataProtection</c>): with several web instances the
/// keys live in Redis, and whoever reads Redis could otherwise forge auth cookies. A PFX mounted from a Secret
/// (Kubernetes) encrypts every key the ring writes; older keys stay readable as long as the certificate is configured.
/// </summary>
public sealed class DataProtectionCertificateOptions
{
    public const string Section = "DataProtection";

    /// <summary>Path of a PKCS#12 (PFX) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the PFX, when it has one. Never logged.</summary>
    public string? CertificatePassword { get; set; }
}

public static class DataProtectionExtensions
{
    /// <summary>Protects the key ring with the configured certificate; does nothing when no certificate is configured.</summary>
    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder dataProtection, IConfiguration configuration)
    {
        var options = configuration.GetSection(DataProtectionCertificateOptions.Section).Get<DataProtectionCertificateOptions>();
        if (string.IsNullOrWhiteSpace(options?.CertificatePath))
        {
            return dataProtection;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword,
                X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The message names the setting, not the password or the file's contents.
            throw new InvalidOperationException(
                "DataProtection:CertificatePath does not name a readable PKCS#12 file with DataProtection:CertificatePassword.", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException("The certificate at DataProtection:CertificatePath has no private key; the key ring could not be decrypted.");
        }

        return dataProtection.ProtectKeysWithCertificate(certificate);
    }

    /// <summary>
    /// In Production, with the key ring shared through Redis and no certificate to encrypt it, logs a warning at start:
    /// whoever can read that Redis can forge this portal's cookies.
    /// </summary>
    public static void WarnWhenSharedKeysAreUnencrypted(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DataProtectionCertificateOptions.Section).Get<DataProtectionCertificateOptions>();
        if (builder.Environment.IsProduction() && string.IsNullOrWhiteSpace(options?.CertificatePath))
        {
            builder.Services.AddHostedService<UnencryptedKeyRingWarning>();
        }
    }
}

/// <summary>The start-up warning of <see cref="DataProtectionExtensions.WarnWhenSharedKeysAreUnencrypted"/>.</summary>
internal sealed partial class UnencryptedKeyRingWarning(ILogger<UnencryptedKeyRingWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogUnencrypted(logger, $"{DataProtectionCertificateOptions.Section}:{nameof(DataProtectionCertificateOptions.CertificatePath)}");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The data-protection key ring is shared through Redis unencrypted: anyone who can read that Redis can forge sign-in cookies. Set {Setting} to a PKCS#12 certificate to encrypt it at rest")]
    private static partial void LogUnencrypted(ILogger logger, string setting);
}
