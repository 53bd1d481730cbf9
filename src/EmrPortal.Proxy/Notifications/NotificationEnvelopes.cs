using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Sessions;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Builds the generic envelope (schema v1) of an event: allow-listed session fields, free text through the API's
/// redactor (secrets inside names or reason messages are masked), bounded lengths, and a link into the portal when
/// <see cref="NotificationOptions.PortalBaseUrl"/> is set. Every format and the in-portal notification derive from it.
/// </summary>
internal sealed class NotificationEnvelopes(Redactor redactor, IOptionsMonitor<NotificationOptions> options)
{
    public WebhookEnvelope Create(string eventId, string type, string workspaceId, RuleSpec? rule, SessionSummaryDto? session, string? previousState, DateTimeOffset occurredAt)
    {
        var name = session is null ? null : Clean(session.Name ?? session.SessionClusterId, 200);
        var reasonMessage = session?.StateChangeReasonMessage is { } m ? Clean(m, 1000) : null;
        var (title, text) = Describe(type, workspaceId, rule, session, name, reasonMessage);
        var webhookSession = session is null ? null : new WebhookSession(
            session.SessionClusterId,
            session.Name is null ? null : Clean(session.Name, 200),
            session.State,
            previousState,
            session.Kind,
            session.QueueName,
            session.UserName,
            session.ReleaseVersion,
            session.StateChangeReasonCode,
            reasonMessage,
            session.StartTime);
        return new WebhookEnvelope(
            WebhookEnvelope.SchemaV1,
            eventId,
            type,
            occurredAt,
            workspaceId,
            rule is null ? null : new WebhookRuleRef(rule.Id, rule.Kind, rule.Name),
            webhookSession,
            Clip(title, PortalDbContext.NotificationTitleLength),
            Clip(text, PortalDbContext.NotificationTextLength),
            AbsoluteLink(workspaceId, session?.SessionClusterId));
    }

    /// <summary>The portal path an event opens: a session's detail, else the workspace.</summary>
    public static string RelativeLink(string workspaceId, string? sessionClusterId) =>
        sessionClusterId is null
            ? $"/workspaces/{Uri.EscapeDataString(workspaceId)}"
            : $"/workspaces/{Uri.EscapeDataString(workspaceId)}/sessions/{Uri.EscapeDataString(sessionClusterId)}";

    private string? AbsoluteLink(string workspaceId, string? sessionClusterId) =>
        options.CurrentValue.PortalBaseUrl is { } baseUrl
            ? new Uri(baseUrl, RelativeLink(workspaceId, sessionClusterId)).AbsoluteUri
            : null;

    private static (string Title, string Text) Describe(string type, string workspaceId, RuleSpec? rule, SessionSummaryDto? s, string? name, string? reasonMessage)
    {
        var reason = s?.StateChangeReasonCode is null ? "" : $" ({s.StateChangeReasonCode})";
        return type switch
        {
            EventTypes.SessionError => ($"Session {name} failed", $"Session {s!.SessionClusterId} in {workspaceId} entered Error{reason}: {reasonMessage}".TrimEnd(' ', ':')),
            EventTypes.SessionLongRunning => ($"Session {name} has been running for more than {rule?.Hours} h",
                $"Session {s!.SessionClusterId} in {workspaceId} (owner {s.UserName}) has been Running for more than {rule?.Hours} hours with auto-stop off."),
            EventTypes.SessionReleaseRetired => ($"Session {name} uses a release that is no longer offered",
                $"Session {s!.SessionClusterId} in {workspaceId} runs on {s.ReleaseVersion}, which the cloud no longer offers."),
            EventTypes.ViewEntered => ($"Session {name} entered a watched view", $"Session {s!.SessionClusterId} in {workspaceId} now matches the view watched by rule \"{rule?.Name}\" (state {s.State})."),
            EventTypes.ViewLeft => ($"Session {name} left a watched view", $"Session {s!.SessionClusterId} in {workspaceId} no longer matches the view watched by rule \"{rule?.Name}\" (state {s.State})."),
            EventTypes.CloudPermissionLost => ($"The portal lost permission on workspace {workspaceId}", $"The cloud refuses the portal's identity on workspace {workspaceId}: its sessions cannot be listed until the RAM grant is restored."),
            EventTypes.UpstreamDegraded => ($"The cloud API has been failing for workspace {workspaceId}", $"Refreshes of workspace {workspaceId} have failed or been throttled for more than {rule?.Minutes} minutes; the portal shows the last good data."),
            EventTypes.Test => ("Test notification from EmrPortal", $"This is a test of a webhook destination of workspace {workspaceId}."),
            _ => (type, type),
        };
    }

    /// <summary>Free text from upstream: secrets masked by the redactor, control characters replaced, bounded.</summary>
    private string Clean(string value, int length)
    {
        var (redacted, _) = redactor.Redact(null, value);
        var text = new string((redacted ?? "").Select(c => char.IsControl(c) || c is '\u202A' or '\u202B' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069' ? ' ' : c).ToArray());
        return Clip(text, length);
    }

    private static string Clip(string value, int length) => value.Length <= length ? value : value[..(length - 1)] + "…";

    public static RuleSpec Spec(NotificationRule r) =>
        new(r.Id, r.WorkspaceId, r.Kind, r.Name, r.OwnerId, r.OnlyMine, r.Queue, r.SessionKind, r.Hours, r.Minutes, r.ViewId, r.UpdatedAt);
}
