using System.Globalization;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Components.Notifications;

/// <summary>Words and links for notifications and rules. Pure, so every rule of it is unit-tested.</summary>
public static class NotificationText
{
    /// <summary>
    /// Where a notification leads: the session's detail when it names a valid session, else the proxy's link if it is
    /// a local portal path, else the workspace's list. A link from stored data never leads off the portal.
    /// </summary>
    public static string Href(NotificationDto n)
    {
        var workspaceOk = Ids.IsValid(n.WorkspaceId);
        if (workspaceOk && n.SessionClusterId is { } id && Ids.IsValid(id))
            return $"/workspaces/{Uri.EscapeDataString(n.WorkspaceId)}/sessions/{Uri.EscapeDataString(id)}";
        var fallback = workspaceOk ? $"/workspaces/{Uri.EscapeDataString(n.WorkspaceId)}/sessions" : "/";
        return LocalUrl.OrDefault(n.Link, fallback);
    }

    public static string RulesHref(string workspaceId) => $"/workspaces/{Uri.EscapeDataString(workspaceId)}/notifications";

    public static string WebhooksHref(string workspaceId) => $"/workspaces/{Uri.EscapeDataString(workspaceId)}/webhooks";

    /// <summary>What a rule kind is called in the UI.</summary>
    public static string KindName(string kind) => kind switch
    {
        RuleKinds.SessionError => "Session enters Error",
        RuleKinds.LongRunning => "Long-running session with auto-stop off",
        RuleKinds.ReleaseRetired => "Session's release no longer offered",
        RuleKinds.ViewMembership => "Watched view changes",
        RuleKinds.CloudPermissionLost => "Portal loses cloud permission",
        RuleKinds.UpstreamDegraded => "Cloud API throttles or fails",
        _ => kind,
    };

    /// <summary>The kinds the caller may create: everyone the session rules, Portal.Admin also the workspace-health ones.
    /// The proxy enforces the same; this only hides what it would refuse.</summary>
    public static IReadOnlyList<string> CreatableKinds(bool isAdmin) =>
        [.. RuleKinds.All.Where(k => isAdmin || !RuleKinds.AdminOnly.Contains(k))];

    /// <summary>One line saying what a rule watches, e.g. "Error · only mine · queue dev · kind SQL".</summary>
    public static string Describe(NotificationRuleDto rule, IReadOnlyDictionary<Guid, string>? viewNames = null)
    {
        var parts = new List<string>();
        switch (rule.Kind)
        {
            case RuleKinds.SessionError:
                parts.Add("enters Error");
                if (rule.OnlyMine) parts.Add("only mine");
                if (rule.Queue is { Length: > 0 } q) parts.Add($"queue {q}");
                if (rule.SessionKind is { Length: > 0 } k) parts.Add($"kind {k}");
                break;
            case RuleKinds.LongRunning:
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"Running over {rule.Hours ?? 0} h with auto-stop off"));
                break;
            case RuleKinds.ReleaseRetired:
                parts.Add("release no longer offered");
                break;
            case RuleKinds.ViewMembership:
                parts.Add(rule.ViewId is { } v && viewNames is not null && viewNames.TryGetValue(v, out var name)
                    ? $"a session enters or leaves view \"{name}\""
                    : "a session enters or leaves a saved view");
                break;
            case RuleKinds.CloudPermissionLost:
                parts.Add("the portal's cloud identity loses permission");
                break;
            case RuleKinds.UpstreamDegraded:
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"the cloud API fails or throttles for {rule.Minutes ?? 0} min"));
                break;
            default:
                parts.Add(rule.Kind);
                break;
        }
        return string.Join(" · ", parts);
    }

    public static string FormatName(string format) => format switch
    {
        WebhookFormats.Generic => "Generic JSON (signed)",
        WebhookFormats.Teams => "Microsoft Teams",
        WebhookFormats.Slack => "Slack",
        WebhookFormats.DingTalk => "DingTalk",
        _ => format,
    };
}
