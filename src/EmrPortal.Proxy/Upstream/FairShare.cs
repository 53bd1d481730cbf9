using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Upstream;

/// <summary>How the outbound budget is shared between users (<c>FairShare</c> section).</summary>
public sealed class FairShareOptions
{
    public const string SectionName = "FairShare";

    /// <summary>Upstream calls one user may have waiting for a token of one (account, API) bucket; more fail fast (503).</summary>
    [Range(1, 100_000)]
    public int MaxQueuedPerUser { get; set; } = 16;

    /// <summary>
    /// Upstream lookups per second a user may cause for session ids the current snapshot does not hold (ids it holds
    /// are answered from it or the detail cache; a fresh snapshot answers unknown ids with 404 at no upstream cost).
    /// </summary>
    [Range(0.01, 1_000)]
    public double UnknownLookupsPerSecond { get; set; } = 1;

    /// <summary>Such lookups a user may make back to back (a newly created session followed by a link or two).</summary>
    [Range(1, 1_000)]
    public int UnknownLookupBurst { get; set; } = 3;

    /// <summary>How long an upstream "no such session" for an id no snapshot holds is answered without asking again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan NotFoundTtl { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Who an upstream call is made for, carried with the async flow from the request that needs it to the outbound
/// handler. Calls made for nobody in particular (snapshot scans, the workspace list) belong to the empty user.
/// </summary>
internal static class UpstreamCaller
{
    private static readonly AsyncLocal<string?> Current = new();

    public static string Id => Current.Value ?? "";

    /// <summary>Calls in this scope are charged to <paramref name="userId"/>; disposing restores the previous caller.</summary>
    public static Scope Begin(string userId)
    {
        var previous = Current.Value;
        Current.Value = userId;
        return new Scope(previous);
    }

    public readonly struct Scope(string? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>
/// A fair-share layer over the outbound token bucket (<see cref="OutboundQuota"/>, whatever stores its tokens): each
/// (account, API) lane hands the bucket's tokens to waiting users in turn, so a user firing hundreds of lookups gets
/// one token per round while another user's single call waits at most one round. With nobody else waiting a user
/// may use the whole budget. A user may have at most <see cref="FairShareOptions.MaxQueuedPerUser"/> calls waiting.
/// </summary>
internal sealed class FairShareQuota(OutboundQuota quota, IOptionsMonitor<FairShareOptions> options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Account, string Action), Lane> _lanes = new();

    private OutboundQuota Bucket => quota;

    private int MaxQueuedPerUser => options.CurrentValue.MaxQueuedPerUser;

    public ValueTask<RateLimitLease> AcquireAsync(string userId, string account, string action, CancellationToken cancellationToken) =>
        _lanes.GetOrAdd((account, action), key => new Lane(this, key.Account, key.Action)).AcquireAsync(userId, cancellationToken);

    /// <summary>Calls of <paramref name="userId"/> waiting in one lane (for tests and metrics).</summary>
    public int Waiting(string userId, string account, string action) =>
        _lanes.TryGetValue((account, action), out var lane) ? lane.Waiting(userId) : 0;

    private sealed class Lane(FairShareQuota owner, string account, string action)
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, Queue<Waiter>> _queues = new(StringComparer.Ordinal);
        private readonly LinkedList<string> _turns = new();
        private bool _pumping;

        public int Waiting(string userId)
        {
            lock (_gate)
            {
                return _queues.TryGetValue(userId, out var q) ? q.Count : 0;
            }
        }

        public ValueTask<RateLimitLease> AcquireAsync(string userId, CancellationToken cancellationToken)
        {
            var waiter = new Waiter(cancellationToken);
            lock (_gate)
            {
                if (!_queues.TryGetValue(userId, out var queue))
                {
                    queue = new Queue<Waiter>();
                    _queues[userId] = queue;
                    _turns.AddLast(userId);
                }

                if (queue.Count >= owner.MaxQueuedPerUser)
                {
                    return ValueTask.FromResult<RateLimitLease>(Refused.Instance);
                }

                queue.Enqueue(waiter);
                if (!_pumping)
                {
                    _pumping = true;
                    _ = Task.Run(PumpAsync, CancellationToken.None);
                }
            }

            return new ValueTask<RateLimitLease>(waiter.Task);
        }

        /// <summary>One token at a time, to the user whose turn it is; a user whose queue empties leaves the ring.</summary>
        private async Task PumpAsync()
        {
            while (true)
            {
                Waiter next;
                lock (_gate)
                {
                    if (!TryTakeNext(out next))
                    {
                        _pumping = false;
                        return;
                    }
                }

                if (next.IsCancelled)
                {
                    continue;
                }

                RateLimitLease lease;
                try
                {
                    lease = await owner.Bucket.AcquireAsync(account, action, next.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    next.Cancel();
                    continue;
                }
                catch (Exception ex)
                {
                    next.Fail(ex);
                    continue;
                }

                if (!next.Complete(lease))
                {
                    lease.Dispose();
                }
            }
        }

        private bool TryTakeNext(out Waiter waiter)
        {
            while (_turns.First is { } first)
            {
                var userId = first.Value;
                _turns.RemoveFirst();
                var queue = _queues[userId];
                while (queue.TryDequeue(out var candidate))
                {
                    if (candidate.IsCancelled)
                    {
                        continue;
                    }

                    if (queue.Count > 0)
                    {
                        _turns.AddLast(userId);
                    }
                    else
                    {
                        _queues.Remove(userId);
                    }

                    waiter = candidate;
                    return true;
                }

                _queues.Remove(userId);
            }

            waiter = null!;
            return false;
        }
    }

    private sealed class Waiter
    {
        private readonly TaskCompletionSource<RateLimitLease> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _registration;

        public Waiter(CancellationToken cancellationToken)
        {
            CancellationToken = cancellationToken;
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.Register(static w => ((Waiter)w!).Cancel(), this);
            }
        }

        public CancellationToken CancellationToken { get; }
        public Task<RateLimitLease> Task => _result.Task;
        public bool IsCancelled => _result.Task.IsCompleted;

        public bool Complete(RateLimitLease lease)
        {
            _registration.Dispose();
            return _result.TrySetResult(lease);
        }

        public void Cancel() => _result.TrySetCanceled(CancellationToken);

        public void Fail(Exception ex) => _result.TrySetException(ex);
    }

    /// <summary>The lease handed out when a user already has too many calls waiting.</summary>
    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? TimeSpan.FromSeconds(1) : null;
            return metadata is not null;
        }
    }
}
