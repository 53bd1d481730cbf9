namespace EmrPortal.Emulator.Data;

/// <summary>
/// One session cluster: the seeded, unchanging fields plus the state that Start/Stop change. A pending transition
/// completes lazily when the session is next read, so an injected clock alone decides when it happens.
/// </summary>
internal sealed class SessionRecord(SessionClusterDto template, string? envId)
{
    public SessionClusterDto Template { get; } = template;

    public string Id => Template.SessionClusterId!;

    public string? EnvId { get; } = envId;

    public string? State { get; set; } = template.State;

    public StateChangeReasonDto? Reason { get; set; } = template.StateChangeReason;

    public long? StartTime { get; set; } = template.StartTime;

    public string? PendingState { get; set; }

    public DateTimeOffset PendingDue { get; set; }

    /// <summary>Caller holds the workspace lock.</summary>
    public void Advance(DateTimeOffset now)
    {
        if (PendingState is not null && now >= PendingDue)
        {
            State = PendingState;
            Reason = PendingState == "Running" ? new StateChangeReasonDto("200", "ok") : new StateChangeReasonDto("1000000", "Stopped by user.");
            PendingState = null;
        }
    }

    /// <summary>Caller holds the workspace lock.</summary>
    public SessionClusterDto ToDto(bool includeEnvId) => Template with
    {
        State = State,
        StateChangeReason = Reason,
        StartTime = StartTime,
        EnvId = includeEnvId ? EnvId : null,
    };
}

/// <summary>
/// A workspace with its sessions (newest first, the order listings page through) and queues. Sessions and the id
/// index change only under <see cref="Gate"/> (the churn fault creates and deletes sessions).
/// </summary>
internal sealed class WorkspaceData(WorkspaceDto workspace, List<SessionRecord> sessions, IReadOnlyList<WorkspaceQueueDto> queues)
{
    public Lock Gate { get; } = new();

    public WorkspaceDto Workspace { get; } = workspace;

    public string Id => Workspace.WorkspaceId!;

    public List<SessionRecord> Sessions { get; } = sessions;

    public Dictionary<string, SessionRecord> ById { get; } = sessions.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public IReadOnlyList<WorkspaceQueueDto> Queues { get; } = queues;

    public bool HasQueue(string queueName) => Queues.Any(q => q.QueueName == queueName);
}
