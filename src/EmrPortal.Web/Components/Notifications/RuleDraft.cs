using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;

namespace EmrPortal.Web.Components.Notifications;

/// <summary>
/// A rule being created or edited: the form binds to it, <see cref="Validate"/> says what is missing in words, and
/// <see cref="ToRequest"/> sends only the fields that belong to its kind. The proxy checks the same again.
/// </summary>
public sealed class RuleDraft
{
    public const int MaxHours = 720;
    public const int MaxMinutes = 1440;
    public const int MaxNameLength = 100;

    public Guid? Id { get; private init; }
    public string Kind { get; set; } = RuleKinds.SessionError;
    public string? Name { get; set; }
    public bool Enabled { get; set; } = true;
    public bool OnlyMine { get; set; }
    public string? Queue { get; set; }
    public string? SessionKind { get; set; }
    public int? Hours { get; set; } = 24;
    public int? Minutes { get; set; } = 15;
    public Guid? ViewId { get; set; }
    public HashSet<Guid> DestinationIds { get; } = [];

    public bool IsNew => Id is null;

    public static RuleDraft From(NotificationRuleDto rule)
    {
        var draft = new RuleDraft
        {
            Id = rule.Id,
            Kind = rule.Kind,
            Name = rule.Name,
            Enabled = rule.Enabled,
            OnlyMine = rule.OnlyMine,
            Queue = rule.Queue,
            SessionKind = rule.SessionKind,
            Hours = rule.Hours ?? 24,
            Minutes = rule.Minutes ?? 15,
            ViewId = rule.ViewId,
        };
        draft.DestinationIds.UnionWith(rule.DestinationIds);
        return draft;
    }

    /// <summary>A new rule watching a saved view ("Watch this view").</summary>
    public static RuleDraft ForView(SavedViewDto view) => new()
    {
        Kind = RuleKinds.ViewMembership,
        ViewId = view.Id,
        Name = Truncate($"View \"{view.Name}\" changes"),
    };

    /// <summary>What is wrong, one message per problem; empty when the draft can be sent.</summary>
    public IReadOnlyList<string> Validate(bool isAdmin)
    {
        var problems = new List<string>();
        if (!RuleKinds.All.Contains(Kind)) problems.Add("Choose what to watch.");
        else if (!isAdmin && RuleKinds.AdminOnly.Contains(Kind)) problems.Add("Only Portal admins can create this kind of rule.");
        if (Name is { Length: > MaxNameLength }) problems.Add($"The name can be at most {MaxNameLength} characters.");
        switch (Kind)
        {
            case RuleKinds.SessionError:
                if (Queue is { Length: > 0 } q && q.Trim().Length is 0 or > 128) problems.Add("The queue name is not valid.");
                if (SessionKind is { Length: > 0 } k && !SessionKinds.All.Contains(k)) problems.Add("Choose a session kind from the list.");
                break;
            case RuleKinds.LongRunning when Hours is not (>= 1 and <= MaxHours):
                problems.Add($"Hours must be between 1 and {MaxHours}.");
                break;
            case RuleKinds.UpstreamDegraded when Minutes is not (>= 1 and <= MaxMinutes):
                problems.Add($"Minutes must be between 1 and {MaxMinutes}.");
                break;
            case RuleKinds.ViewMembership when ViewId is null:
                problems.Add("Choose the saved view to watch.");
                break;
        }
        return problems;
    }

    /// <summary>The request for the proxy; fields of other kinds are left out. Destinations are Portal.Admin's to set.</summary>
    public NotificationRuleRequest ToRequest(bool isAdmin) => new(
        Kind,
        Name: string.IsNullOrWhiteSpace(Name) ? null : Name.Trim(),
        Enabled: Enabled,
        OnlyMine: Kind == RuleKinds.SessionError && OnlyMine,
        Queue: Kind == RuleKinds.SessionError && !string.IsNullOrWhiteSpace(Queue) ? Queue.Trim() : null,
        SessionKind: Kind == RuleKinds.SessionError && !string.IsNullOrWhiteSpace(SessionKind) ? SessionKind : null,
        Hours: Kind == RuleKinds.LongRunning ? Hours : null,
        Minutes: Kind == RuleKinds.UpstreamDegraded ? Minutes : null,
        ViewId: Kind == RuleKinds.ViewMembership ? ViewId : null,
        DestinationIds: isAdmin ? [.. DestinationIds.Order()] : null);

    private static string Truncate(string name) => name.Length <= MaxNameLength ? name : name[..(MaxNameLength - 1)] + "…";
}
