using System.Collections.Concurrent;
using EmrPortal.PortalData.Stores;

namespace EmrPortal.Proxy.Pins;

/// <summary>
/// Each user's pins, held briefly in memory so list pages don't read the database on every request. A change made
/// through this instance applies at once; one made through another instance within <see cref="Ttl"/>.
/// </summary>
internal sealed partial class PinCache(PinStore store, TimeProvider time, ILogger<PinCache> logger)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private const int MaxUsers = 10_000;
    private static readonly HashSet<(string, string)> None = [];
    private readonly ConcurrentDictionary<string, (HashSet<(string Workspace, string Session)> Pins, DateTimeOffset LoadedAt)> _byUser = new(StringComparer.Ordinal);

    public async Task<IReadOnlySet<(string Workspace, string Session)>> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_byUser.TryGetValue(userId, out var cached) && now - cached.LoadedAt < Ttl)
        {
            return cached.Pins;
        }

        try
        {
            var pins = (await store.ListAsync(userId, cancellationToken)).Select(p => (p.WorkspaceId, p.SessionClusterId)).ToHashSet();
            if (_byUser.Count >= MaxUsers)
            {
                _byUser.Clear();
            }

            _byUser[userId] = (pins, now);
            return pins;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A list page without pin marks beats no list page.
            LogPinsUnavailable(logger, ex.GetType().Name);
            return cached.Pins ?? None;
        }
    }

    public void Invalidate(string userId) => _byUser.TryRemove(userId, out _);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Pins could not be read ({ErrorType}); the page is served without pin marks")]
    private static partial void LogPinsUnavailable(ILogger logger, string errorType);
}
