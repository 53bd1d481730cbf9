using EmrPortal.Emulator.Gateway;
using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Data;

/// <summary>Filters of ListSessionClusters (null = not given).</summary>
internal sealed record SessionFilter(string? SessionClusterId, string? QueueName, string? Kind)
{
    public bool IsEmpty => SessionClusterId is null && QueueName is null && Kind is null;

    public bool Matches(SessionRecord session) =>
        (SessionClusterId is null || session.Id == SessionClusterId)
        && (QueueName is null || session.Template.QueueName == QueueName)
        && (Kind is null || string.Equals(session.Template.Kind, Kind, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The emulator's in-memory cloud: seeded workspaces, sessions and release versions; Start/Stop move sessions
/// through transitional states on the injected clock.
/// </summary>
internal sealed class EmulatorStore
{
    private readonly Dictionary<string, WorkspaceData> _workspaces;
    private readonly TimeProvider _time;
    private readonly TimeSpan _startDuration;
    private readonly TimeSpan _stopDuration;
    private readonly string _regionId;
    private readonly SeededRandom _churnRandom;
    private readonly HashSet<string> _usedIds;

    public EmulatorStore(IOptions<SeedOptions> seed, IOptions<EmulatorOptions> options, TimeProvider time)
    {
        _time = time;
        _regionId = options.Value.RegionId;
        _churnRandom = new SeededRandom(SeededRandom.Mix(seed.Value.RandomSeed, "churn"));
        _startDuration = TimeSpan.FromSeconds(options.Value.StartSeconds);
        _stopDuration = TimeSpan.FromSeconds(options.Value.StopSeconds);
        var now = time.GetUtcNow();
        Workspaces = DataSeeder.Seed(seed.Value, options.Value.RegionId, now);
        _workspaces = Workspaces.ToDictionary(w => w.Id, StringComparer.Ordinal);
        _usedIds = Workspaces.SelectMany(w => w.Sessions).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var created = now.AddDays(-700);
        ReleaseVersions =
        [
            .. Catalog.Releases.Select((r, i) => new ReleaseVersionDto
            {
                ReleaseVersion = r.Version,
                DisplayReleaseVersion = r.Display,
                State = r.State,
                Type = r.Type,
                IaasType = "ASI",
                CommunityVersion = r.Spark,
                ScalaVersion = "2.12",
                CpuArchitectures = i < 3 ? ["x86"] : ["x86", "arm64"],
                Fusion = r.Fusion,
                GmtCreate = DateTimeOffset.FromUnixTimeSeconds(created.AddDays(i * 60).ToUnixTimeSeconds()).ToUnixTimeMilliseconds(),
            }),
        ];
    }

    public IReadOnlyList<WorkspaceData> Workspaces { get; }

    public IReadOnlyList<ReleaseVersionDto> ReleaseVersions { get; }

    public WorkspaceData? FindWorkspace(string workspaceId) => _workspaces.GetValueOrDefault(workspaceId);

    /// <summary>One page of a workspace's sessions in the stable listing order, and how many match in total.</summary>
    public (List<SessionClusterDto> Page, int Total) ListSessions(WorkspaceData workspace, SessionFilter filter, int offset, int take)
    {
        var now = _time.GetUtcNow();
        lock (workspace.Gate)
        {
            IReadOnlyList<SessionRecord> matching = filter.IsEmpty
                ? workspace.Sessions
                : [.. workspace.Sessions.Where(filter.Matches)];
            var page = new List<SessionClusterDto>(Math.Max(0, Math.Min(take, matching.Count - offset)));
            for (var i = offset; i < matching.Count && page.Count < take; i++)
            {
                matching[i].Advance(now);
                page.Add(matching[i].ToDto(includeEnvId: false));
            }

            return (page, matching.Count);
        }
    }

    public SessionClusterDto? GetSession(WorkspaceData workspace, string sessionClusterId)
    {
        lock (workspace.Gate)
        {
            if (!workspace.ById.TryGetValue(sessionClusterId, out var session))
            {
                return null;
            }

            session.Advance(_time.GetUtcNow());
            return session.ToDto(includeEnvId: true);
        }
    }

    /// <summary>
    /// The churn fault: deletes <paramref name="delete"/> random sessions and creates <paramref name="create"/> new ones
    /// at the head of the listing order (newest first), so every offset after them shifts.
    /// </summary>
    public void Churn(WorkspaceData workspace, int create, int delete)
    {
        var now = _time.GetUtcNow();
        var origin = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        lock (workspace.Gate)
        {
            for (var i = 0; i < delete && workspace.Sessions.Count > 0; i++)
            {
                var index = _churnRandom.Next(0, workspace.Sessions.Count);
                var gone = workspace.Sessions[index];
                workspace.Sessions.RemoveAt(index);
                workspace.ById.Remove(gone.Id);
            }

            for (var i = 0; i < create; i++)
            {
                SessionRecord seeded;
                lock (_usedIds)
                {
                    seeded = DataSeeder.SeedSession(workspace.Id, _regionId, origin, origin.AddDays(-30), _churnRandom, _usedIds);
                }

                var created = new SessionRecord(
                    seeded.Template with { GmtCreate = origin.ToUnixTimeMilliseconds(), StartTime = origin.ToUnixTimeMilliseconds() },
                    seeded.EnvId);
                workspace.Sessions.Insert(0, created);
                workspace.ById[created.Id] = created;
            }
        }
    }

    /// <summary>
    /// Stopped/Error (or an unknown state) → Starting → Running after the configured delay. Starting/Running/Stopping:
    /// refused (the call is not idempotent, so a repeated start is an error, not a silent success).
    /// </summary>
    public AcsError? Start(WorkspaceData workspace, string sessionClusterId)
    {
        var now = _time.GetUtcNow();
        lock (workspace.Gate)
        {
            if (!workspace.ById.TryGetValue(sessionClusterId, out var session))
            {
                return AcsErrors.SessionClusterNotFound(workspace.Id, sessionClusterId);
            }

            session.Advance(now);
            if (session.State is "Running" or "Starting" or "Stopping")
            {
                return AcsErrors.IncorrectState(sessionClusterId, session.State, "StartSessionCluster");
            }

            session.State = "Starting";
            session.Reason = new StateChangeReasonDto("200", "Session cluster is starting.");
            session.StartTime = now.ToUnixTimeMilliseconds();
            session.PendingState = "Running";
            session.PendingDue = now + _startDuration;
            session.Advance(now);
            return null;
        }
    }

    /// <summary>Running/Starting/Error (or unknown) → Stopping → Stopped after the configured delay. Stopping/Stopped: refused.</summary>
    public AcsError? Stop(WorkspaceData workspace, string sessionClusterId)
    {
        var now = _time.GetUtcNow();
        lock (workspace.Gate)
        {
            if (!workspace.ById.TryGetValue(sessionClusterId, out var session))
            {
                return AcsErrors.SessionClusterNotFound(workspace.Id, sessionClusterId);
            }

            session.Advance(now);
            if (session.State is "Stopped" or "Stopping")
            {
                return AcsErrors.IncorrectState(sessionClusterId, session.State, "StopSessionCluster");
            }

            session.State = "Stopping";
            session.Reason = new StateChangeReasonDto("200", "Session cluster is stopping.");
            session.PendingState = "Stopped";
            session.PendingDue = now + _stopDuration;
            session.Advance(now);
            return null;
        }
    }

    /// <summary>
    /// The fail fault (admin endpoint): the session goes to <c>Error</c> now, with the given reason (a seeded error
    /// reason when none), whatever its state; a pending Start/Stop is dropped. False when the session is unknown.
    /// </summary>
    public bool Fail(WorkspaceData workspace, string sessionClusterId, string? code, string? message)
    {
        lock (workspace.Gate)
        {
            if (!workspace.ById.TryGetValue(sessionClusterId, out var session))
            {
                return false;
            }

            var (defaultCode, defaultMessage) = Catalog.ErrorReasons[0];
            session.State = "Error";
            session.Reason = new StateChangeReasonDto(code ?? defaultCode, message ?? defaultMessage);
            session.PendingState = null;
            return true;
        }
    }
}
