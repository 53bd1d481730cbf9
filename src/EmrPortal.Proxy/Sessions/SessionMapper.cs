using System.Text.RegularExpressions;
using EmrPortal.Contracts;
using EmrPortal.Emr.Models;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// The allow-list between the cloud's models and the proxy's contract. Only the fields named here ever leave the
/// proxy or enter its caches; anything upstream adds later (connectionToken, …) is dropped by construction.
/// </summary>
internal static partial class SessionMapper
{
    public static SessionSummaryDto ToSummary(SessionCluster s, string workspaceId) => new(
        WorkspaceId: workspaceId,
        SessionClusterId: s.SessionClusterId ?? "",
        // Names are other people's text: no control or bidi characters reach a list, detail, CSV or title.
        Name: DisplayText.Neutralize(s.Name),
        State: s.State,
        StateChangeReasonCode: s.StateChangeReason?.Code,
        StateChangeReasonMessage: s.StateChangeReason?.Message,
        Kind: s.Kind,
        QueueName: DisplayText.Neutralize(s.QueueName),
        UserId: s.UserId,
        UserName: DisplayText.Neutralize(s.UserName),
        ReleaseVersion: s.ReleaseVersion,
        DisplayReleaseVersion: s.DisplayReleaseVersion,
        GmtCreate: s.GmtCreate,
        StartTime: s.StartTime,
        AutoStartEnabled: s.AutoStartConfiguration?.Enable,
        AutoStopEnabled: s.AutoStopConfiguration?.Enable,
        AutoStopIdleTimeoutMinutes: s.AutoStopConfiguration?.IdleTimeoutMinutes);

    /// <summary>The detail as cached: allow-listed, values not yet redacted (redaction depends on the view).</summary>
    public static SessionDetailRecord ToDetail(SessionCluster s, string workspaceId) => new(
        ToSummary(s, workspaceId),
        SafeWebUrl(s.WebUI),
        SafeHostName(s.Domain),
        SafeHostName(s.DomainInner),
        s.PublicEndpointEnabled,
        s.Fusion,
        s.DraftId,
        s.EnvId,
        (s.ApplicationConfigs ?? [])
            .Select(c => new ConfigEntry(c.ConfigFileName, c.ConfigItemKey, c.ConfigItemValue))
            .ToArray());

    /// <summary>An upstream link is passed on only when it is an absolute http(s) URL without user info.</summary>
    public static string? SafeWebUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
            ? uri.AbsoluteUri
            : null;

    /// <summary>A domain goes into copy-paste commands, so only plain host names (optionally with a port) pass.</summary>
    public static string? SafeHostName(string? value) =>
        value is not null && value.Length <= 253 && HostNamePattern().IsMatch(value) ? value : null;

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostNamePattern();
}

/// <summary>One application config entry as cached (value unredacted, memory only).</summary>
internal sealed record ConfigEntry(string? FileName, string? Key, string? Value);

/// <summary>A session's allow-listed detail as cached in memory (never in the shared L2: it holds unredacted values).</summary>
[System.ComponentModel.ImmutableObject(true)]
internal sealed record SessionDetailRecord(
    SessionSummaryDto Summary,
    string? WebUI,
    string? Domain,
    string? DomainInner,
    bool? PublicEndpointEnabled,
    bool? Fusion,
    string? DraftId,
    string? EnvId,
    IReadOnlyList<ConfigEntry> ApplicationConfigs);
