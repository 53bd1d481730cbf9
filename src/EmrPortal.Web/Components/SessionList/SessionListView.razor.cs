using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Components.SessionList;

/// <summary>The list's parameters, picks and navigation (the markup is in SessionListView.razor; what it loads is in <see cref="SessionListState"/>).</summary>
public partial class SessionListView
{
    /// <summary>The workspace, or null for every workspace the caller may see.</summary>
    [Parameter] public string? WorkspaceId { get; set; }
    [Parameter, EditorRequired] public SessionQuery Query { get; set; } = new();
    /// <summary>The URL's explicit "mine" (true/false), or null when the URL leaves it to the viewer's default.</summary>
    [Parameter] public bool? MineChoice { get; set; }

    /// <summary>The shown view, persisted at the end of the prerender and restored before <see cref="OnInitialized"/>
    /// of the interactive render. A pausing circuit hands on nothing: the resumed list loads its view from the URL
    /// (docs/decisions.md#paused-circuits).</summary>
    [PersistentState]
    public SessionListSnapshot? Shown
    {
        get => RendererInfo.IsInteractive ? null : _state?.ToSnapshot();
        set => _restored = value;
    }

    private static readonly string CompareClass = MudMarkup.ButtonClass(Variant.Outlined, Color.Default, Size.Medium);

    private SessionListSnapshot? _restored;
    private SessionListState _state = default!;
    // Sessions picked for "Compare", in the order picked (the first is the left side); kept across pages and filters.
    private readonly List<string> _picked = [];
    private readonly HashSet<string> _pickedSet = new(StringComparer.Ordinal);
    private IReadOnlyList<SessionColumn> _columns = [];
    private TimeZoneInfo _timeZone = TimeZoneInfo.Utc;
    private string? _listUrl;

    protected override void OnInitialized()
    {
        _state = new SessionListState(Proxy, UserState, Time)
        {
            OnBackgroundChange = change => InvokeAsync(async () =>
            {
                await change();
                StateHasChanged();
            }),
            SignInRequired = () => Navigation.NavigateTo(LocalUrl.Login(LocalUrl.PathAndQuery(Navigation.Uri, Navigation.BaseUri)), forceLoad: true),
        };
        if (_restored is { } restored) _state.Restore(restored);
        _restored = null;
        _timeZone = Browser.KnownTimeZone ?? TimeZoneInfo.Utc;
    }

    protected override async Task OnParametersSetAsync()
    {
        _columns = SessionColumns.For(allWorkspaces: WorkspaceId is null);
        _listUrl = LocalUrl.PathAndQuery(Navigation.Uri, Navigation.BaseUri);
        ListState.LastListUrl = _listUrl;
        var columns = ListState.LoadColumnsAsync();
        await _state.SetUrlAsync(WorkspaceId, Query, MineChoice);
        await columns;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The viewer's zone is known from the document request (a cookie the portal's script writes) when it was sent.
        if (!firstRender || Browser.KnownTimeZone is not null) return;
        var zone = await Browser.GetTimeZoneAsync();
        if (zone != _timeZone)
        {
            _timeZone = zone;
            StateHasChanged();
        }
    }

    /// <summary>Shows the choice at once and stores it for the user (other browsers and the next visit show it too).</summary>
    private async Task ColumnsChangedAsync()
    {
        StateHasChanged();
        if (await ListState.SaveColumnsAsync(CancellationToken.None) is { } failure)
        {
            Snackbar.Add($"Your column choice applies here but could not be saved: {failure.Message}", Severity.Warning);
        }
    }

    private void TogglePick(SessionSummaryDto s)
    {
        var key = SessionListState.PinKey(s.WorkspaceId, s.SessionClusterId);
        if (_pickedSet.Remove(key)) _picked.Remove(key);
        else if (_pickedSet.Add(key)) _picked.Add(key);
    }

    private void ComparePicked()
    {
        if (_picked.Count != 2) return;
        Navigation.NavigateTo($"/diff?left={Uri.EscapeDataString(_picked[0])}&right={Uri.EscapeDataString(_picked[1])}");
    }

    private void SetAutoRefresh(bool on) => _state.SetAutoRefresh(on);

    private Task ChooseMineAsync(bool mine) => NavigateAsync(_state.Mine(mine), mine);

    private async Task TogglePinAsync(SessionSummaryDto s)
    {
        if (await _state.TogglePinAsync(s) is (var pin, { } failure))
        {
            Snackbar.Add($"Could not {(pin ? "pin" : "unpin")} {s.Name ?? s.SessionClusterId}: {failure.Message}", Severity.Error);
        }
    }

    /// <summary>Writes the query to the URL (defaults left out); loading happens when the new parameters arrive.
    /// "mine" is written whenever a URL with parameters would otherwise mean something else (see MineForUrl).</summary>
    private Task NavigateAsync(SessionQuery query) => NavigateAsync(query, _state.MineForUrl(query));

    private Task NavigateAsync(SessionQuery query, bool? mineChoice)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(SessionListState.UrlParameters(query, mineChoice)));
        return Task.CompletedTask;
    }

    /// <summary>The link to a view of this list (for a real anchor rather than a click handler).</summary>
    private string ListHref(SessionQuery query) => LocalUrl.PathAndQuery(
        Navigation.GetUriWithQueryParameters(SessionListState.UrlParameters(query, _state.MineForUrl(query))), Navigation.BaseUri);

    public void Dispose() => _state.Dispose();
}
