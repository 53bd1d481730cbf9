using System.Globalization;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// An EMR Serverless Spark release, compared numerically (esr-4.10.0 is newer than esr-4.9.1). The cloud writes it
/// in two shapes: <c>esr-2.1</c> (the documented example) and <c>esr-4.0.0</c>; display forms add the engine,
/// <c>esr-4.0.0 (Spark 3.5.2, Scala 2.12)</c>. A missing patch is 0, so <c>esr-2.1</c> equals <c>esr-2.1.0</c>.
/// </summary>
internal readonly record struct EsrVersion(int Major, int Minor, int Patch) : IComparable<EsrVersion>
{
    private const int MaxPart = 999_999;

    /// <summary>Parses <c>esr-X.Y</c> or <c>esr-X.Y.Z</c> (case-insensitive), optionally followed by a space and anything (the display form).</summary>
    public static bool TryParse(string? value, out EsrVersion version)
    {
        version = default;
        if (value is null || !value.StartsWith("esr-", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var text = value.AsSpan(4);
        var space = text.IndexOf(' ');
        if (space >= 0)
        {
            text = text[..space];
        }

        Span<int> parts = stackalloc int[3];
        var count = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (count == 3 || part.IsEmpty || part.Length > 6
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out parts[count]) || parts[count] > MaxPart)
            {
                return false;
            }

            count++;
        }

        if (count < 2)
        {
            return false;
        }

        version = new EsrVersion(parts[0], parts[1], count == 3 ? parts[2] : 0);
        return true;
    }

    /// <summary>The version a session or release names: <c>releaseVersion</c>, else the one at the start of its display form.</summary>
    public static bool TryParse(string? releaseVersion, string? displayReleaseVersion, out EsrVersion version) =>
        TryParse(releaseVersion, out version) || TryParse(displayReleaseVersion, out version);

    public int CompareTo(EsrVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(EsrVersion a, EsrVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(EsrVersion a, EsrVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(EsrVersion a, EsrVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(EsrVersion a, EsrVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"esr-{Major}.{Minor}.{Patch}";
}

/// <summary>
/// The releases the cloud offers (ListReleaseVersions, state ONLINE), for the release-drift badge. Read once and
/// kept for <see cref="Ttl"/>, then refreshed in the background while the old answer is served. List requests
/// <see cref="Prefetch"/> it before they wait for their snapshot, so on a cold start the call runs beside the scan
/// instead of after it; a page waits at most <see cref="MaxWait"/> for it, and a failure leaves the badge off rather
/// than failing a page (retried after <see cref="FailureBackoff"/>).
/// </summary>
internal sealed partial class ReleaseCatalog(IEmrServerlessSparkClient client, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ReleaseCatalog> logger)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan FailureBackoff = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task<EsrVersion?>? _load;
    private EsrVersion? _newest;
    private HashSet<EsrVersion>? _online;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private bool _loaded;
    // The last answer and until when no new load is due: every page request asks (three times), so while it holds
    // they read it without the lock. Replaced (never changed) when a load ends.
    private volatile Settled? _settled;

    private sealed record Settled(EsrVersion? Newest, HashSet<EsrVersion>? Online, DateTimeOffset Until);

    private Settled? Current => _settled is { } s && time.GetUtcNow() < s.Until ? s : null;

    /// <summary>Starts loading the release list if it is missing or old (never waits).</summary>
    public void Prefetch()
    {
        if (Current is not null)
        {
            return;
        }

        lock (_gate)
        {
            _ = StartIfDue();
        }
    }

    /// <summary>The newest ONLINE release, or null when none is known (yet).</summary>
    public async Task<EsrVersion?> NewestOnlineAsync(CancellationToken cancellationToken)
    {
        if (Current is { } settled)
        {
            return settled.Newest;
        }

        Task<EsrVersion?>? load;
        lock (_gate)
        {
            load = StartIfDue();
            if (_loaded || load is null)
            {
                return _newest; // fresh, stale-while-revalidate, or within the failure backoff
            }
        }

        try
        {
            return await load.WaitAsync(MaxWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every ONLINE release as last loaded, or null while none is known; never waits (starts a load when due). For
    /// "release no longer offered" notifications.
    /// </summary>
    public IReadOnlySet<EsrVersion>? OnlineVersions()
    {
        if (Current is { } settled)
        {
            return settled.Online;
        }

        lock (_gate)
        {
            _ = StartIfDue();
            return _online;
        }
    }

    /// <summary>The running load, a new one if the answer is missing or old, or null. Caller holds the lock.</summary>
    private Task<EsrVersion?>? StartIfDue()
    {
        var age = time.GetUtcNow() - _loadedAt;
        if (_load is null && (_loaded ? age >= Ttl : age >= FailureBackoff))
        {
            _load = Task.Run(() => LoadAsync(lifetime.ApplicationStopping));
        }

        return _load;
    }

    /// <summary>
    /// Release drift worth a badge, i.e. one that should change a decision (docs/decisions.md#release-drift-badge): the
    /// session's release is no longer offered (not ONLINE in ListReleaseVersions), or is at least one major version
    /// behind the newest offered release. A newer minor or patch alone is not drift. Without a known release list
    /// (<paramref name="online"/> null or empty) or an esr version to compare, there is no badge.
    /// </summary>
    public static bool IsDrifted(string? releaseVersion, string? displayReleaseVersion, IReadOnlySet<EsrVersion>? online) =>
        IsDrifted(releaseVersion, displayReleaseVersion, online, online is { Count: > 0 } ? online.Max().Major : 0);

    /// <summary><see cref="IsDrifted(string?, string?, IReadOnlySet{EsrVersion}?)"/> with the newest online major computed once per page, not per row.</summary>
    internal static bool IsDrifted(string? releaseVersion, string? displayReleaseVersion, IReadOnlySet<EsrVersion>? online, int newestMajor)
    {
        if (online is not { Count: > 0 } || !EsrVersion.TryParse(releaseVersion, displayReleaseVersion, out var v))
        {
            return false;
        }

        return !online.Contains(v) || v.Major < newestMajor;
    }

    private async Task<EsrVersion?> LoadAsync(CancellationToken cancellationToken)
    {
        EsrVersion? newest = null;
        var online = new HashSet<EsrVersion>();
        var succeeded = false;
        try
        {
            // The request model has no nextToken: the release list is short and comes in one answer.
            var response = await client.ListReleaseVersionsAsync(new ListReleaseVersionsRequest(), cancellationToken);
            foreach (var release in response.ReleaseVersions ?? [])
            {
                if (string.Equals(release.State, "ONLINE", StringComparison.OrdinalIgnoreCase)
                    && EsrVersion.TryParse(release.Version, release.DisplayReleaseVersion, out var v))
                {
                    online.Add(v);
                    if (newest is null || v > newest)
                    {
                        newest = v;
                    }
                }
            }

            succeeded = true;
            return newest;
        }
        catch (Exception ex)
        {
            // Never faults: callers may have stopped waiting, and nobody would observe the exception.
            if (!cancellationToken.IsCancellationRequested)
            {
                LogLoadFailed(logger, ex.GetType().Name, (ex as EmrApiException)?.Code);
            }

            return _newest;
        }
        finally
        {
            lock (_gate)
            {
                if (succeeded)
                {
                    _newest = newest;
                    _online = online;
                    _loaded = true;
                }

                _loadedAt = time.GetUtcNow();
                _load = null;
                // Until then StartIfDue starts nothing, so the lock-free answer is the one the lock would give.
                _settled = new Settled(_newest, _online, _loadedAt + (_loaded ? Ttl : FailureBackoff));
            }
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "ListReleaseVersions failed ({ErrorType} {Code}); release drift badges wait for the next attempt")]
    private static partial void LogLoadFailed(ILogger logger, string errorType, string? code);
}
