using EmrPortal.Contracts;

namespace EmrPortal.Proxy.Sessions;

internal enum SessionSortKey
{
    Name,
    State,
    Kind,
    QueueName,
    UserName,
    GmtCreate,
    StartTime,
    ReleaseVersion,
}

/// <summary>
/// The one definition of session order, used to precompute snapshot orders, to merge workspaces, and by the tests'
/// reference sort: missing values (null or empty) last in both directions; text case-insensitive then ordinal
/// (culture never matters), except releases, which compare as versions (esr-2.1 = esr-2.1.0 &lt; esr-2.10; a value
/// that is no esr version sorts after every one that is, then as text); ties broken by sessionClusterId ascending (ordinal), then workspaceId, so the order is
/// total and stable across snapshots.
/// </summary>
internal static class SessionSort
{
    public const int KeyCount = 8;

    private static readonly (string Name, SessionSortKey Key)[] Names =
    [
        (SortKeys.Name, SessionSortKey.Name),
        (SortKeys.State, SessionSortKey.State),
        (SortKeys.Kind, SessionSortKey.Kind),
        (SortKeys.QueueName, SessionSortKey.QueueName),
        (SortKeys.UserName, SessionSortKey.UserName),
        (SortKeys.GmtCreate, SessionSortKey.GmtCreate),
        (SortKeys.StartTime, SessionSortKey.StartTime),
        (SortKeys.ReleaseVersion, SessionSortKey.ReleaseVersion),
    ];

    public static bool TryParse(string value, out SessionSortKey key)
    {
        foreach (var (name, k) in Names)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                key = k;
                return true;
            }
        }

        key = default;
        return false;
    }

    /// <summary>The query-string name of a sort key.</summary>
    public static string NameOf(SessionSortKey key) => Names.First(n => n.Key == key).Name;

    public static string? Text(SessionSummaryDto s, SessionSortKey key) => key switch
    {
        SessionSortKey.Name => s.Name,
        SessionSortKey.State => s.State,
        SessionSortKey.Kind => s.Kind,
        SessionSortKey.QueueName => s.QueueName,
        SessionSortKey.UserName => s.UserName,
        SessionSortKey.ReleaseVersion => s.ReleaseVersion,
        _ => null,
    };

    public static bool IsTime(SessionSortKey key) => key is SessionSortKey.GmtCreate or SessionSortKey.StartTime;

    public static DateTimeOffset? Time(SessionSummaryDto s, SessionSortKey key) =>
        key == SessionSortKey.GmtCreate ? s.GmtCreate : s.StartTime;

    public static bool IsMissing(SessionSummaryDto s, SessionSortKey key) =>
        IsTime(key) ? Time(s, key) is null : string.IsNullOrEmpty(Text(s, key));

    /// <summary>Compares only the sort key (missing last, regardless of direction); 0 for equal or both missing.</summary>
    public static int CompareKey(SessionSummaryDto a, SessionSummaryDto b, SessionSortKey key, bool descending)
    {
        var aMissing = IsMissing(a, key);
        var bMissing = IsMissing(b, key);
        if (aMissing || bMissing)
        {
            return aMissing == bMissing ? 0 : aMissing ? 1 : -1;
        }

        var c = IsTime(key)
            ? Time(a, key)!.Value.CompareTo(Time(b, key)!.Value)
            : CompareValues(Text(a, key)!, Text(b, key)!, key);
        return descending ? -c : c;
    }

    /// <summary>
    /// Two present text values of <paramref name="key"/>: releases as versions first; then case-insensitive, then
    /// ordinal (0 only for identical strings). The snapshot ranks distinct values with this, so both agree.
    /// </summary>
    public static int CompareValues(string x, string y, SessionSortKey key)
    {
        if (key == SessionSortKey.ReleaseVersion && CompareReleases(x, y) is var byVersion and not 0)
        {
            return byVersion;
        }

        var c = string.Compare(x, y, StringComparison.OrdinalIgnoreCase);
        return c != 0 ? c : string.CompareOrdinal(x, y);
    }

    /// <summary>Parsed versions first, in version order; 0 when both are equal versions or neither parses (text decides).</summary>
    private static int CompareReleases(string a, string b)
    {
        var aParsed = EsrVersion.TryParse(a, out var va);
        var bParsed = EsrVersion.TryParse(b, out var vb);
        return aParsed && bParsed ? va.CompareTo(vb) : aParsed == bParsed ? 0 : aParsed ? -1 : 1;
    }

    /// <summary>The full, total order.</summary>
    public static int Compare(SessionSummaryDto a, SessionSummaryDto b, SessionSortKey key, bool descending)
    {
        var c = CompareKey(a, b, key, descending);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.SessionClusterId, b.SessionClusterId);
        return c != 0 ? c : string.CompareOrdinal(a.WorkspaceId, b.WorkspaceId);
    }
}

/// <summary>
/// A validated filter. State, kind and reason are exact (canonical casing); queue, owner and q are case-insensitive "contains";
/// <see cref="Owners"/> ("mine") is an exact owner set.
/// </summary>
internal sealed record SessionFilter(string? State, string? Kind, string? Queue, string? Owner, string? Q)
{
    public static SessionFilter None { get; } = new(null, null, null, null, null);

    /// <summary>Only sessions owned by one of these cloud users (an empty set matches nothing).</summary>
    public OwnerSet? Owners { get; init; }

    /// <summary>Only sessions whose stateChangeReason code is this (<see cref="ReasonFilter.Matches"/>).</summary>
    public string? Reason { get; init; }

    public bool IsEmpty => State is null && Kind is null && Queue is null && Owner is null && Q is null && Owners is null && Reason is null;
}

/// <summary>
/// The cloud users a portal identity maps to ("my sessions"): a session matches when its userName or userId equals
/// one of them, case-insensitively. Compared by value, so filtered orders cached per filter are shared by equal sets.
/// </summary>
internal sealed class OwnerSet : IEquatable<OwnerSet>
{
    private readonly string[] _names;

    public OwnerSet(IEnumerable<string> names) =>
        _names = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();

    public IReadOnlyList<string> Names => _names;

    public bool Matches(SessionSummaryDto s)
    {
        foreach (var name in _names)
        {
            if (string.Equals(name, s.UserName, StringComparison.OrdinalIgnoreCase) || string.Equals(name, s.UserId, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool Equals(OwnerSet? other) =>
        other is not null && _names.AsSpan().SequenceEqual(other._names, StringComparer.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as OwnerSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var name in _names)
        {
            hash.Add(name, StringComparer.OrdinalIgnoreCase);
        }

        return hash.ToHashCode();
    }
}
