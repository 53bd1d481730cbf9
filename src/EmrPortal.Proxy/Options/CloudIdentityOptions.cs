namespace EmrPortal.Proxy;

/// <summary>
/// Which cloud users a portal identity is (<c>Identity</c> section), for "my sessions" and owner start/stop:
/// <c>Identity:CloudUsers:{userId}</c> = the cloud <c>userName</c>s (or <c>userId</c>s) of that signed-in user.
/// </summary>
public sealed class CloudIdentityOptions
{
    public const string SectionName = "Identity";

    public Dictionary<string, List<string>> CloudUsers { get; set; } = new(StringComparer.Ordinal);
}
