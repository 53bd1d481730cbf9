namespace EmrPortal.PortalData.Entities;

// Notifications (docs/notifications.md): rules, the outbox the snapshot recorder writes in its own transaction, the
// per-user notification centre, webhook destinations and their deliveries, and the lease that lets exactly one proxy
// instance deliver.

/// <summary>A user's rule in one workspace (<c>Kind</c> is one of the contract's rule kinds).</summary>
public sealed class NotificationRule
{
    public Guid Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string OwnerId { get; set; }
    public string? OwnerName { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    public bool OnlyMine { get; set; }
    public string? Queue { get; set; }
    public string? SessionKind { get; set; }
    public int? Hours { get; set; }
    public int? Minutes { get; set; }
    public Guid? ViewId { get; set; }
    /// <summary>Webhook destination ids as a JSON array of GUIDs ("[]" for none).</summary>
    public string DestinationIdsJson { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// The roles and groups a rule owner last presented (refreshed on every notification API call), so access can be
/// decided when an event is delivered, not only when the rule was made.
/// </summary>
public sealed class NotificationSubscriber
{
    public required string UserId { get; set; }
    public string? Name { get; set; }
    public string RolesJson { get; set; } = "[]";
    public string GroupsJson { get; set; } = "[]";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One in-portal notification of one user.</summary>
public sealed class UserNotification
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string EventId { get; set; }
    public Guid? RuleId { get; set; }
    public required string WorkspaceId { get; set; }
    public string? SessionClusterId { get; set; }
    public required string Type { get; set; }
    public required string Title { get; set; }
    public required string Text { get; set; }
    public string? Link { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public bool Read { get; set; }
}

/// <summary>A user's mute of a workspace (or of one rule in it), until a time or until removed.</summary>
public sealed class NotificationMute
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public required string WorkspaceId { get; set; }
    public Guid? RuleId { get; set; }
    public DateTimeOffset? Until { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A webhook target of a workspace. <see cref="Url"/> and <see cref="Secret"/> are never returned by the API.</summary>
public sealed class WebhookDestination
{
    public Guid Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Name { get; set; }
    public required string Format { get; set; }
    public required string Url { get; set; }
    public string? Secret { get; set; }
    public bool Enabled { get; set; } = true;
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// An event detected by a snapshot recording (or a workspace-level condition), written in the same transaction. The
/// delivery worker fans it out into notifications and webhook deliveries and then sets <see cref="DispatchedAt"/>.
/// </summary>
public sealed class OutboxEvent
{
    public long Id { get; set; }
    /// <summary>Stable, deterministic id (receivers deduplicate on it); unique.</summary>
    public required string EventId { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Type { get; set; }
    public Guid? RuleId { get; set; }
    public string? SessionClusterId { get; set; }
    /// <summary>The generic webhook envelope (schema v1), already redacted.</summary>
    public required string PayloadJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
}

/// <summary>One event to one webhook destination: pending (with its next attempt), delivered, dead-letter or cancelled.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public required string EventId { get; set; }
    public Guid DestinationId { get; set; }
    public required string WorkspaceId { get; set; }
    public required string EventType { get; set; }
    public required string State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public string? LastError { get; set; }
    public int? LastStatusCode { get; set; }
}

/// <summary>A named lease: the instance named in <see cref="Owner"/> holds it until <see cref="Until"/>.</summary>
public sealed class WorkerLease
{
    public required string Name { get; set; }
    public required string Owner { get; set; }
    public DateTimeOffset Until { get; set; }
}

/// <summary>A workspace-level condition in force since a time (cloud permission lost, upstream failing).</summary>
public sealed class WorkspaceCondition
{
    public required string WorkspaceId { get; set; }
    public required string Condition { get; set; }
    public DateTimeOffset Since { get; set; }
}
