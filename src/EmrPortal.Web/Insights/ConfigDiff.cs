using System.Globalization;
using EmrPortal.Contracts;

namespace EmrPortal.Web.Insights;

public enum DiffStatus
{
    Same,
    Different,
    OnlyLeft,
    OnlyRight,
    /// <summary>At least one side is redacted: the values can't be compared, and the portal doesn't claim they are equal.</summary>
    Hidden,
}

/// <summary>One side of a compared value. <see cref="Redacted"/> values carry no text (the placeholder is not a value).</summary>
public sealed record DiffValue(string? Text, bool Redacted)
{
    public static readonly DiffValue HiddenValue = new(null, true);
}

public sealed record DiffRow(string Section, string Key, DiffValue? Left, DiffValue? Right, DiffStatus Status)
{
    public bool IsDifference => Status is not DiffStatus.Same;
}

public sealed record SessionDiff(IReadOnlyList<DiffRow> Facts, IReadOnlyList<DiffRow> Configs)
{
    public int DifferenceCount => Facts.Count(r => r.IsDifference) + Configs.Count(r => r.IsDifference);
}

/// <summary>
/// Side-by-side comparison of two sessions: release, kind, queue, auto-start/stop, and application configs by
/// (file, key). Pure: no I/O, so every rule is unit-tested. Redaction wins over equality — two hidden values are
/// "hidden", never "same", because the portal cannot know what they are.
/// </summary>
public static class ConfigDiff
{
    public const string FactsSection = "Session";
    public const string NoFile = "(no file)";

    public static SessionDiff Compare(SessionDetailDto left, SessionDetailDto right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(CompareFacts(left.Summary, right.Summary), CompareConfigs(left.ApplicationConfigs, right.ApplicationConfigs));
    }

    public static IReadOnlyList<DiffRow> CompareFacts(SessionSummaryDto left, SessionSummaryDto right)
    {
        (string Key, Func<SessionSummaryDto, string?> Read)[] facts =
        [
            ("Release", s => s.ReleaseVersion),
            ("Release (display)", s => s.DisplayReleaseVersion),
            ("Kind", s => s.Kind),
            ("Queue", s => s.QueueName),
            ("Auto-start", s => OnOff(s.AutoStartEnabled)),
            ("Auto-stop", s => OnOff(s.AutoStopEnabled)),
            ("Auto-stop idle timeout (min)", s => s.AutoStopIdleTimeoutMinutes?.ToString(CultureInfo.InvariantCulture)),
        ];
        return facts.Select(f =>
        {
            DiffValue l = new(f.Read(left), false), r = new(f.Read(right), false);
            return new DiffRow(FactsSection, f.Key, l, r, string.Equals(l.Text, r.Text, StringComparison.Ordinal) ? DiffStatus.Same : DiffStatus.Different);
        }).ToList();
    }

    public static IReadOnlyList<DiffRow> CompareConfigs(IReadOnlyList<ApplicationConfigDto> left, IReadOnlyList<ApplicationConfigDto> right)
    {
        var l = Index(left);
        var r = Index(right);
        var keys = l.Keys.Union(r.Keys)
            .OrderBy(k => k.File, StringComparer.Ordinal).ThenBy(k => k.Key, StringComparer.Ordinal).ThenBy(k => k.Occurrence);
        var rows = new List<DiffRow>();
        foreach (var key in keys)
        {
            var hasLeft = l.TryGetValue(key, out var lv);
            var hasRight = r.TryGetValue(key, out var rv);
            var status = (hasLeft, hasRight) switch
            {
                (true, false) => DiffStatus.OnlyLeft,
                (false, true) => DiffStatus.OnlyRight,
                _ when lv!.Redacted || rv!.Redacted => DiffStatus.Hidden,
                _ => string.Equals(lv.Text, rv.Text, StringComparison.Ordinal) ? DiffStatus.Same : DiffStatus.Different,
            };
            // A key that repeats in a file (upstream allows it) is shown as "key (2)" and compared occurrence by occurrence.
            var label = key.Occurrence == 0 ? key.Key : string.Create(CultureInfo.InvariantCulture, $"{key.Key} ({key.Occurrence + 1})");
            rows.Add(new(key.File, label, lv, rv, status));
        }
        return rows;
    }

    private static Dictionary<(string File, string Key, int Occurrence), DiffValue> Index(IReadOnlyList<ApplicationConfigDto> configs)
    {
        var index = new Dictionary<(string, string, int), DiffValue>();
        var seen = new Dictionary<(string, string), int>();
        foreach (var c in configs)
        {
            var file = string.IsNullOrEmpty(c.FileName) ? NoFile : c.FileName;
            var key = c.Key ?? "";
            seen.TryGetValue((file, key), out var n);
            seen[(file, key)] = n + 1;
            // Never carry the placeholder text: a redacted value has no known content.
            index[(file, key, n)] = c.Redacted ? DiffValue.HiddenValue : new DiffValue(c.Value, false);
        }
        return index;
    }

    private static string? OnOff(bool? value) => value switch { true => "On", false => "Off", null => null };
}

/// <summary>A session reference in the diff page's URL: <c>workspace/session</c>, both ids strictly validated.</summary>
public readonly record struct SessionRef(string WorkspaceId, string SessionId)
{
    public static bool TryParse(string? value, out SessionRef result)
    {
        result = default;
        var parts = value?.Trim().Split('/');
        if (parts is not [var ws, var id] || !Ids.IsValid(ws) || !Ids.IsValid(id)) return false;
        result = new(ws, id);
        return true;
    }

    public override string ToString() => $"{WorkspaceId}/{SessionId}";
}
