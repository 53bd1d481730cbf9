using System.Globalization;
using System.Text;
using EmrPortal.Contracts;

namespace EmrPortal.LoadDriver;

internal enum ViewMix
{
    Any,
    Unfiltered,
    Filtered,
}

/// <summary>A random list view as the portal's URLs express it (names and values of the proxy's query).</summary>
internal sealed record View(int Page, int PageSize, string Sort, bool Descending, string? State, string? Kind, string? Queue, string? Owner, string? Q)
{
    private static readonly string[] SearchTerms = ["orders", "alice", "etl", "fraud", "daily", "sc-0", "notebook", "zzz-none"];
    private static readonly string[] QueueTerms = ["dev", "prod_queue", "root", "ml_queue"];
    private static readonly string[] OwnerTerms = ["alice", "bob.li", "service", "mei"];

    public bool IsFiltered => State is not null || Kind is not null || Queue is not null || Owner is not null || Q is not null;

    /// <summary>Half unfiltered (any page of the whole list), half filtered or searched (first pages), every sort key and direction.</summary>
    public static View Random(Random random, int sessions, ViewMix mix = ViewMix.Any, int? fixedPageSize = null)
    {
        var drawn = random.Next(10) switch { < 7 => 25, < 9 => 50, _ => 100 };
        var pageSize = fixedPageSize ?? drawn;
        var sort = SortKeys.All[random.Next(SortKeys.All.Count)];
        var descending = random.Next(2) == 0;
        var unfiltered = mix switch { ViewMix.Unfiltered => true, ViewMix.Filtered => false, _ => random.Next(2) == 0 };
        if (unfiltered)
        {
            var pages = Math.Max(1, (sessions + pageSize - 1) / pageSize);
            return new View(random.Next(1, pages + 1), pageSize, sort, descending, null, null, null, null, null);
        }

        var page = random.Next(1, 4);
        return random.Next(6) switch
        {
            0 => new View(page, pageSize, sort, descending, SessionStates.All[random.Next(SessionStates.All.Count)], null, null, null, null),
            1 => new View(page, pageSize, sort, descending, null, SessionKinds.All[random.Next(SessionKinds.All.Count)], null, null, null),
            2 => new View(page, pageSize, sort, descending, SessionStates.All[random.Next(SessionStates.All.Count)], SessionKinds.All[random.Next(SessionKinds.All.Count)], null, null, null),
            3 => new View(page, pageSize, sort, descending, null, null, QueueTerms[random.Next(QueueTerms.Length)], null, null),
            4 => new View(page, pageSize, sort, descending, null, null, null, OwnerTerms[random.Next(OwnerTerms.Length)], null),
            _ => new View(page, pageSize, sort, descending, null, null, null, null, SearchTerms[random.Next(SearchTerms.Length)]),
        };
    }

    public string ToQueryString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"page={Page}&pageSize={PageSize}&sort={Sort}&dir={(Descending ? "desc" : "asc")}");
        Append(sb, QueryNames.State, State);
        Append(sb, QueryNames.Kind, Kind);
        Append(sb, QueryNames.Queue, Queue);
        Append(sb, QueryNames.Owner, Owner);
        Append(sb, QueryNames.Q, Q);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string name, string? value)
    {
        if (value is not null)
        {
            sb.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
