using System.Collections.Concurrent;
using EmrPortal.PortalData.Stores;

namespace EmrPortal.Proxy.Audit;

/// <summary>
/// Folds repeated identical refusals (same user, action, workspace and outcome — denied, not found, limited) into
/// one entry per window: the first is recorded at once, the repeats within <see cref="Window"/> of it become one
/// entry with their count and first/last time when the window closes. A script firing random ids writes two audit
/// rows a minute, not one per request; a single refusal is still on record immediately.
/// </summary>
internal sealed class AuditRepeats(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<(string UserId, string Action, string? WorkspaceId, string Outcome), Run> _runs = new();
    private readonly ConcurrentQueue<AuditRecord> _closed = new();

    public static bool IsRefusal(string outcome) =>
        outcome is AuditOutcomes.Denied or AuditOutcomes.NotFound or AuditOutcomes.Limited;

    /// <summary>True when <paramref name="record"/> is to be recorded now; false when it was counted as a repeat.</summary>
    public bool Admit(AuditRecord record)
    {
        var key = (record.UserId, record.Action, record.WorkspaceId, record.Outcome);
        while (true)
        {
            if (!_runs.TryGetValue(key, out var run))
            {
                if (_runs.TryAdd(key, new Run(record.At)))
                {
                    return true;
                }

                continue;
            }

            lock (run)
            {
                if (run.Closed)
                {
                    continue;
                }

                if (record.At - run.OpenedAt >= Window)
                {
                    // The window is over: close it (its summary waits for the next flush) and open a new run.
                    Close(key, run);
                    continue;
                }

                run.Add(record);
                return false;
            }
        }
    }

    /// <summary>Entries for the runs whose window has closed (all runs with <paramref name="all"/>, at shutdown).</summary>
    public List<AuditRecord> Flush(bool all = false)
    {
        var now = time.GetUtcNow();
        foreach (var (key, run) in _runs)
        {
            lock (run)
            {
                if (!run.Closed && (all || now - run.OpenedAt >= Window))
                {
                    Close(key, run);
                }
            }
        }

        var summaries = new List<AuditRecord>();
        while (_closed.TryDequeue(out var summary))
        {
            summaries.Add(summary);
        }

        return summaries;
    }

    /// <summary>Called under the run's lock.</summary>
    private void Close((string UserId, string Action, string? WorkspaceId, string Outcome) key, Run run)
    {
        run.Closed = true;
        _runs.TryRemove(new KeyValuePair<(string, string, string?, string), Run>(key, run));
        if (run.Count > 0)
        {
            _closed.Enqueue(new AuditRecord(run.FirstAt!.Value, key.UserId, run.UserName, key.Action, key.WorkspaceId,
                run.SameSession ? run.SessionClusterId : null, key.Outcome, run.Count, run.LastAt));
        }
    }

    private sealed class Run(DateTimeOffset openedAt)
    {
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public bool Closed { get; set; }
        public int Count { get; private set; }
        public DateTimeOffset? FirstAt { get; private set; }
        public DateTimeOffset? LastAt { get; private set; }
        public string? UserName { get; private set; }
        public string? SessionClusterId { get; private set; }
        public bool SameSession { get; private set; } = true;

        public void Add(AuditRecord record)
        {
            FirstAt ??= record.At;
            LastAt = record.At;
            UserName = record.UserName;
            SameSession &= Count == 0 || string.Equals(SessionClusterId, record.SessionClusterId, StringComparison.Ordinal);
            SessionClusterId = record.SessionClusterId;
            Count++;
        }
    }
}

/// <summary>Writes the aggregated repeats when their window closes, and whatever is open at shutdown.</summary>
internal sealed class AuditRepeatFlusher(AuditRepeats repeats, AuditTrail trail, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Write(repeats.Flush());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Write(repeats.Flush(all: true));
    }

    private void Write(List<AuditRecord> summaries)
    {
        foreach (var summary in summaries)
        {
            trail.WriteRepeats(summary);
        }
    }
}
