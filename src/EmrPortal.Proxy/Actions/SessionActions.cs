using EmrPortal.Emr;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Actions;

/// <summary>Starts or stops a session for a caller who may (owner, Portal.Operator, Portal.Admin); every attempt audited.</summary>
internal sealed class SessionActions(
    SnapshotStore store, SessionDetails details, SessionLookup lookup, CloudIdentity identity, IEmrServerlessSparkClient client, AuditTrail audit)
{
    /// <summary>The outcome and, when done, the session's state read fresh afterwards.</summary>
    public async Task<(SessionActionOutcome Outcome, string? State)> RunAsync(
        SessionAction action, Caller caller, string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        // Ownership from the freshest data at hand: the snapshot, else the session's own detail (an id a fresh
        // snapshot does not hold is not found at no upstream cost; see SessionLookup).
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        var session = snapshot.Find(sessionClusterId);
        if (session is null)
        {
            var found = await lookup.GetAsync(caller, workspaceId, sessionClusterId, cancellationToken);
            if (found.Status == SessionLookupStatus.Limited)
            {
                audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Limited);
                return (SessionActionOutcome.Limited, null);
            }

            session = found.Detail?.Summary;
        }

        if (session is null)
        {
            audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.NotFound);
            return (SessionActionOutcome.NotFound, null);
        }

        if (!CloudIdentity.IsOperator(caller) && !identity.Owns(caller, session))
        {
            audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Denied);
            return (SessionActionOutcome.NotOwner, null);
        }

        using var charged = UpstreamCaller.Begin(caller.UserId);
        try
        {
            _ = action == SessionAction.Start
                ? await client.StartSessionClusterAsync(workspaceId, sessionClusterId, queueName: null, cancellationToken)
                : await client.StopSessionClusterAsync(workspaceId, sessionClusterId, queueName: null, cancellationToken);
        }
        catch (EmrApiException ex) when (ex.IsNotFound)
        {
            audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.NotFound);
            return (SessionActionOutcome.NotFound, null);
        }
        catch (Exception ex) when (WriteOutcome.IsRefusedForState(ex))
        {
            // Refused (e.g. starting a running session, stopping a stopped one): say what state it is in now.
            audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Conflict);
            return (SessionActionOutcome.Conflict, await ReadStateAsync(workspaceId, sessionClusterId));
        }
        catch (Exception ex) when (WriteOutcome.IsUnconfirmed(ex))
        {
            // The request may have been applied and its answer lost: never sent again; report the state read now.
            audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Unconfirmed);
            store.Invalidate(workspaceId);
            return (SessionActionOutcome.Unconfirmed, await ReadStateAsync(workspaceId, sessionClusterId));
        }

        audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Allowed);

        // The list and the timeline must show the change: rescan now, and read the detail fresh.
        await details.InvalidateAsync(workspaceId, sessionClusterId, cancellationToken);
        store.Invalidate(workspaceId);
        var detail = (await details.GetAsync(workspaceId, sessionClusterId, cancellationToken)).Detail;
        return (SessionActionOutcome.Done, detail?.Summary.State);
    }

    /// <summary>The session's state read fresh from the cloud, or null when that read fails too.</summary>
    private async Task<string?> ReadStateAsync(string workspaceId, string sessionClusterId)
    {
        try
        {
            await details.InvalidateAsync(workspaceId, sessionClusterId, CancellationToken.None);
            return (await details.GetAsync(workspaceId, sessionClusterId, CancellationToken.None)).Detail?.Summary.State;
        }
        catch (Exception ex) when (ex is EmrApiException or HttpRequestException or TimeoutException or UpstreamQuotaExceededException or WorkspacePermissionDeniedException)
        {
            return null;
        }
    }
}
