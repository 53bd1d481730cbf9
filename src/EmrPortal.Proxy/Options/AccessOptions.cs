namespace EmrPortal.Proxy;

/// <summary>Who may see which workspace (<c>Access</c> section). Portal.Admin sees every workspace regardless.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    /// <summary><c>Access:Workspaces:{workspaceId}</c> = roles or group ids (object ids) allowed to see that workspace.</summary>
    public Dictionary<string, List<string>> Workspaces { get; set; } = new(StringComparer.Ordinal);
}
