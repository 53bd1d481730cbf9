using System.Globalization;
using System.Text.RegularExpressions;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;

namespace EmrPortal.Proxy.Sessions;

/// <summary>An <c>esr-X.Y.Z</c> release, compared numerically (esr-4.10.0 is newer than esr-4.9.1).</summary>
internal readonly partial record struct EsrVersion(int Major, int Minor, int Patch) : IComparable<EsrVersion>
{
    public static bool TryParse(string? value, out EsrVersion version)
    {
        version = default;
        var match = value is null ? null : Pattern().Match(value);
        if (match is not { Success: true }
            || !int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(match.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            return false;
        }

        version = new EsrVersion(major, minor, patch);
        return true;
    }

    public int CompareTo(EsrVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(EsrVersion a, EsrVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(EsrVersion a, EsrVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(EsrVersion a, EsrVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(EsrVersion a, EsrVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"esr-{Major}.{Minor}.{Patch}";

    [GeneratedRegex(@"^esr-(\d{1,6})\.(\d{1,6})\.(\d{1,6})$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}

/// <summary>
/// The newest release the cloud offers (ListReleaseVersions, state ONLINE), for the release-drift badge. Read once and
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
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private bool _loaded;

    /// <summary>Starts loading the release list if it is missing or old (never waits).</summary>
    public void Prefetch()
    {
        lock (_gate)
        {
            _ = StartIfDue();
        }
    }

    /// <summary>The newest ONLINE release, or null when none is known (yet).</summary>
    public async Task<EsrVersion?> NewestOnlineAsync(CancellationToken cancellationToken)
    {
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

    /// <summary>True when <paramref name="releaseVersion"/> is an esr version older than <paramref name="newest"/>.</summary>
    public static bool IsOutdated(string? releaseVersion, EsrVersion? newest) =>
        newest is { } n && EsrVersion.TryParse(releaseVersion, out var v) && v < n;

    private async Task<EsrVersion?> LoadAsync(CancellationToken cancellationToken)
    {
        EsrVersion? newest = null;
        var succeeded = false;
        try
        {
            // The request model has no nextToken: the release list is short and comes in one answer.
            var response = await client.ListReleaseVersionsAsync(new ListReleaseVersionsRequest(), cancellationToken);
            foreach (var release in response.ReleaseVersions ?? [])
            {
                if (string.Equals(release.State, "ONLINE", StringComparison.OrdinalIgnoreCase)
                    && EsrVersion.TryParse(release.Version, out var v) && (newest is null || v > newest))
                {
                    newest = v;
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
                    _loaded = true;
                }

                _loadedAt = time.GetUtcNow();
                _load = null;
            }
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "ListReleaseVersions failed ({ErrorType} {Code}); release drift badges wait for the next attempt")]
    private static partial void LogLoadFailed(ILogger logger, string errorType, string? code);
}
