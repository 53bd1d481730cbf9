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
        catch (EmrApiException ex) when ((int)ex.HttpStatus is >= 400 and < 500 && !ex.IsAuthError && !ex.IsThrottling)
        {
            // e.g. IncorrectSessionClusterState: starting a session that is still stopping.
            audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Conflict);
            return (SessionActionOutcome.Conflict, null);
        }

        audit.Record(caller, action.AuditAction, workspaceId, sessionClusterId, AuditOutcomes.Allowed);

        // The list and the timeline must show the change: rescan now, and read the detail fresh.
        await details.InvalidateAsync(workspaceId, sessionClusterId, cancellationToken);
        store.Invalidate(workspaceId);
        var detail = (await details.GetAsync(workspaceId, sessionClusterId, cancellationToken)).Detail;
        return (SessionActionOutcome.Done, detail?.Summary.State);
    }
}
