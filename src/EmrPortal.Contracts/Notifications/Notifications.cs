namespace EmrPortal.Contracts.Notifications;

// Contract of the proxy's notification API (issue 21): rules, the in-portal notification centre, mutes, webhook
// destinations (Portal.Admin) and the dead-letter list. Routes and the webhook schema are in docs/notifications.md.

/// <summary>Values of <see cref="NotificationRuleDto.Kind"/> (and of <see cref="NotificationDto.Kind"/>'s rule part).</summary>
public static class RuleKinds
{
    /// <summary>A session enters <c>Error</c> (optionally only the caller's, one queue, one kind).</summary>
    public const string SessionError = "session-error";

    /// <summary>A session has been <c>Running</c> longer than <see cref="NotificationRuleDto.Hours"/> with auto-stop off.</summary>
    public const string LongRunning = "long-running";

    /// <summary>A session's release version is no longer offered by the cloud.</summary>
    public const string ReleaseRetired = "release-retired";

    /// <summary>The sessions matching a saved view change: a session enters or leaves it (<see cref="NotificationRuleDto.ViewId"/>).</summary>
    public const string ViewMembership = "view-membership";

    /// <summary>Portal.Admin only: the portal's cloud identity loses permission on the workspace.</summary>
    public const string CloudPermissionLost = "cloud-permission-lost";

    /// <summary>Portal.Admin only: the cloud API throttles or fails for longer than <see cref="NotificationRuleDto.Minutes"/>.</summary>
    public const string UpstreamDegraded = "upstream-degraded";

    public static readonly IReadOnlyList<string> All = [SessionError, LongRunning, ReleaseRetired, ViewMembership, CloudPermissionLost, UpstreamDegraded];

    /// <summary>Kinds only Portal.Admin may create.</summary>
    public static readonly IReadOnlyList<string> AdminOnly = [CloudPermissionLost, UpstreamDegraded];
}

/// <summary>Values of <see cref="NotificationDto.Kind"/> and of the webhook envelope's <c>type</c>: what happened.</summary>
public static class EventTypes
{
    public const string SessionError = "session.error";
    public const string SessionLongRunning = "session.long-running";
    public const string SessionReleaseRetired = "session.release-retired";
    public const string ViewEntered = "view.entered";
    public const string ViewLeft = "view.left";
    public const string CloudPermissionLost = "workspace.cloud-permission-lost";
    public const string UpstreamDegraded = "workspace.upstream-degraded";

    /// <summary>Sent by "send test" on a webhook destination only.</summary>
    public const string Test = "test";
}

/// <summary>
/// One rule of one user in one workspace. Its owner gets an in-portal notification for each match (unless muted);
/// each of <see cref="DestinationIds"/> (webhook destinations of the same workspace, set by Portal.Admin) gets a webhook.
/// </summary>
/// <param name="OnlyMine">session-error: only sessions whose cloud user is mapped to the owner.</param>
/// <param name="Queue">session-error: only this queue (null = any).</param>
/// <param name="SessionKind">session-error: only this session kind, e.g. <c>SQL</c> (null = any).</param>
/// <param name="Hours">long-running: the threshold in hours (1..720).</param>
/// <param name="Minutes">upstream-degraded: how long the cloud API must keep failing or throttling (1..1440).</param>
/// <param name="ViewId">view-membership: the saved view watched.</param>
public sealed record NotificationRuleDto(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string Name,
    bool Enabled,
    bool OnlyMine,
    string? Queue,
    string? SessionKind,
    int? Hours,
    int? Minutes,
    Guid? ViewId,
    IReadOnlyList<Guid> DestinationIds,
    string CreatedBy,
    string? CreatedByName,
    DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST</c>/<c>PUT /api/v1/workspaces/{ws}/notification-rules[/{ruleId}]</c>.</summary>
public sealed record NotificationRuleRequest(
    string Kind,
    string? Name = null,
    bool Enabled = true,
    bool OnlyMine = false,
    string? Queue = null,
    string? SessionKind = null,
    int? Hours = null,
    int? Minutes = null,
    Guid? ViewId = null,
    IReadOnlyList<Guid>? DestinationIds = null);

/// <summary>One in-portal notification of the caller.</summary>
/// <param name="Id">Per-user notification id (use it to mark read).</param>
/// <param name="EventId">The event's stable id (the same id webhooks carry).</param>
/// <param name="Kind">One of <see cref="EventTypes"/>.</param>
/// <param name="Link">Relative portal path to open (a session's detail or the workspace), or null.</param>
public sealed record NotificationDto(
    long Id,
    string EventId,
    Guid? RuleId,
    string WorkspaceId,
    string? SessionClusterId,
    string Kind,
    string Title,
    string Text,
    string? Link,
    DateTimeOffset OccurredAt,
    bool Read);

/// <summary><c>GET /api/v1/notifications?page&amp;pageSize&amp;unread</c>, newest first.</summary>
public sealed record NotificationPageDto(IReadOnlyList<NotificationDto> Items, int TotalCount, int UnreadCount, int Page, int PageSize);

/// <summary>
/// <c>GET /api/v1/notifications/unread-count</c>: the bell. <see cref="LatestId"/> is the newest notification id of the
/// caller (0 when none): a client that sees it change knows there is something new even if the count did not.
/// </summary>
public sealed record UnreadCountDto(int Count, long LatestId);

/// <summary>Body of <c>POST /api/v1/notifications/read</c>: mark these ids read, or all (<see cref="All"/>, optionally one workspace).</summary>
public sealed record MarkReadRequest(IReadOnlyList<long>? Ids = null, bool All = false, string? WorkspaceId = null);

/// <summary>Result of marking read: how many changed, and the new unread count.</summary>
public sealed record MarkReadResultDto(int Marked, int UnreadCount);

/// <summary>
/// A user's mute: no in-portal notifications from a workspace (or from one rule) until <see cref="Until"/> (null =
/// until removed). Webhooks are not affected (they belong to the team, not the user).
/// </summary>
public sealed record MuteDto(Guid Id, string WorkspaceId, Guid? RuleId, DateTimeOffset? Until, DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST /api/v1/notifications/mutes</c>.</summary>
public sealed record MuteRequest(string WorkspaceId, Guid? RuleId = null, DateTimeOffset? Until = null);

/// <summary>Values of <see cref="WebhookDestinationDto.Format"/>.</summary>
public static class WebhookFormats
{
    /// <summary>The portal's versioned JSON envelope, signed with HMAC-SHA256 (see docs/notifications.md).</summary>
    public const string Generic = "generic";

    /// <summary>Microsoft Teams Workflows ("When a Teams webhook request is received"): an Adaptive Card message.</summary>
    public const string Teams = "teams";

    /// <summary>Slack incoming webhook (<c>text</c> + Block Kit blocks).</summary>
    public const string Slack = "slack";

    /// <summary>DingTalk custom robot (markdown message; signed URL when a secret is set).</summary>
    public const string DingTalk = "dingtalk";

    public static readonly IReadOnlyList<string> All = [Generic, Teams, Slack, DingTalk];
}

/// <summary>
/// A webhook destination of a workspace (Portal.Admin). The URL and the secret are never returned: only hints
/// (scheme and host of the URL, the secret's last 4 characters).
/// </summary>
public sealed record WebhookDestinationDto(
    Guid Id,
    string WorkspaceId,
    string Name,
    string Format,
    string UrlHint,
    bool HasSecret,
    string? SecretHint,
    bool Enabled,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// Body of <c>POST</c>/<c>PUT …/webhooks[/{id}]</c>. On PUT, a null <see cref="Url"/> or <see cref="Secret"/> keeps the
/// stored value; an empty <see cref="Secret"/> removes it. <see cref="Format"/> is one of <see cref="WebhookFormats"/>.
/// </summary>
public sealed record WebhookDestinationRequest(string Name, string Format, string? Url = null, string? Secret = null, bool Enabled = true);

/// <summary>Result of "send test": the receiver's HTTP status, or why nothing was delivered (no secret in it).</summary>
public sealed record WebhookTestResultDto(bool Delivered, int? StatusCode, string? Error, string EventId);

/// <summary>Values of <see cref="DeliveryDto.State"/>.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string DeadLetter = "dead-letter";

    /// <summary>Not sent: the destination was removed or disabled, or the rule's owner lost access to the workspace.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>One webhook delivery of one event (the dead-letter list shows those that gave up).</summary>
public sealed record DeliveryDto(
    long Id,
    string EventId,
    string EventType,
    string WorkspaceId,
    Guid DestinationId,
    string DestinationName,
    string State,
    int Attempts,
    string? LastError,
    int? LastStatusCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt);

/// <summary><c>GET /api/v1/notifications/dead-letters?workspace&amp;page&amp;pageSize</c> (Portal.Admin), newest first.</summary>
public sealed record DeliveryPageDto(IReadOnlyList<DeliveryDto> Items, int TotalCount, int Page, int PageSize);

/// <summary>
/// The generic webhook body, schema <see cref="SchemaV1"/> (documented in docs/notifications.md). Receivers deduplicate
/// on <see cref="Id"/>: a retry or a redelivery after a restart carries the same id.
/// </summary>
public sealed record WebhookEnvelope(
    string Schema,
    string Id,
    string Type,
    DateTimeOffset OccurredAt,
    string WorkspaceId,
    WebhookRuleRef? Rule,
    WebhookSession? Session,
    string Title,
    string Text,
    string? Link)
{
    public const string SchemaV1 = "emrportal.notification.v1";
}

public sealed record WebhookRuleRef(Guid Id, string Kind, string Name);

/// <summary>The session an event is about: allow-listed fields, redacted like the API's.</summary>
public sealed record WebhookSession(
    string SessionClusterId,
    string? Name,
    string? State,
    string? PreviousState,
    string? Kind,
    string? QueueName,
    string? UserName,
    string? ReleaseVersion,
    string? StateChangeReasonCode,
    string? StateChangeReasonMessage,
    DateTimeOffset? StartTime);

/// <summary>Header names of the generic format's signature (see docs/notifications.md, "Verifying a signature").</summary>
public static class WebhookHeaders
{
    /// <summary>Unix seconds when the request was signed.</summary>
    public const string Timestamp = "X-EmrPortal-Timestamp";

    /// <summary><c>v1=</c> + lowercase hex HMAC-SHA256(secret, timestamp + "." + body).</summary>
    public const string Signature = "X-EmrPortal-Signature";

    /// <summary>The event id (same as the body's <c>id</c>), for deduplication without parsing.</summary>
    public const string EventId = "X-EmrPortal-Event-Id";
}
