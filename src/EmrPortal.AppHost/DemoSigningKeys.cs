using System.Security.Cryptography;

namespace EmrPortal.AppHost;

/// <summary>
/// The demo identity's ES256 (ECDSA P-256) key pair, generated for this run only: the Web app holds the private key
/// to mint demo user tokens, the Proxy the public key to validate them. Nothing is written to disk or committed.
/// </summary>
internal sealed record DemoSigningKeys(string PrivateKeyPem, string PublicKeyPem)
{
    public static DemoSigningKeys Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new DemoSigningKeys(key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }
}
