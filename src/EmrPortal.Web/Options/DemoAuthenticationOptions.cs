using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Web.Options;

public sealed class DemoAuthenticationOptions
{
    /// <summary>PKCS#8 or SEC1 PEM of the ECDSA P-256 key the demo tokens are signed with (generated per run, never committed).</summary>
    public string? PrivateKeyPem { get; set; }

    public string Issuer { get; set; } = "emrportal-demo";

    public string Audience { get; set; } = "api://emrportal-proxy";

    [Range(typeof(TimeSpan), "00:01:00", "00:10:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
