using EmrPortal.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace EmrPortal.Web.Services;

/// <summary>The browser side of the portal (wwwroot/js/portal.js): time zone, theme preference, clipboard.
/// Circuit-scoped; the time zone is asked once per circuit, unless the document request already said it (the script
/// mirrors both preferences into cookies, so a prerendered page shows local times and the theme from the start).</summary>
public sealed class BrowserInterop(IJSRuntime js)
{
    /// <summary>Cookie names the portal's script writes; read only from the document request.</summary>
    public const string TimeZoneCookie = "emrportal.tz";
    public const string ThemeCookie = "emrportal.theme";

    private Task<TimeZoneInfo>? _timeZone;

    /// <summary>The viewer's time zone as the document request said it, or null when it did not (first visit).</summary>
    public TimeZoneInfo? KnownTimeZone { get; private set; }

    /// <summary>Dark (true) or light (false) as the document request said it, or null when it did not.</summary>
    public bool? KnownDarkMode { get; private set; }

    /// <summary>Takes the preferences the document request carried. Anything unrecognised is ignored (asked by script later).</summary>
    public void SetKnown(string? timeZoneId, string? theme)
    {
        if (!string.IsNullOrWhiteSpace(timeZoneId) && timeZoneId.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone))
        {
            KnownTimeZone = zone;
            _timeZone = Task.FromResult(zone);
        }
        KnownDarkMode = theme switch { "dark" => true, "light" => false, _ => null };
    }

    public Task<TimeZoneInfo> GetTimeZoneAsync() => _timeZone ??= LoadTimeZoneAsync();

    private async Task<TimeZoneInfo> LoadTimeZoneAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("emrPortal.timeZone");
            if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return zone;
        }
        catch (JSException)
        {
        }
        catch (JSDisconnectedException)
        {
        }
        return TimeZoneInfo.Utc;
    }

    public async Task CopyAsync(string text) => await js.InvokeVoidAsync("navigator.clipboard.writeText", text);

    public async Task<bool?> GetDarkModeAsync()
    {
        var value = await js.InvokeAsync<string?>("emrPortal.getTheme");
        return value switch { "dark" => true, "light" => false, _ => null };
    }

    public async Task SetDarkModeAsync(bool dark) => await js.InvokeVoidAsync("emrPortal.setTheme", dark ? "dark" : "light");
}

/// <summary>Circuit-scoped memory of list views: the last list URL (for the detail page's breadcrumb when no
/// <c>from</c> is given) and the columns the user chose to hide (kept by the proxy per user, read once per circuit). A persistent service: it survives a paused circuit.</summary>
public sealed class ListViewState(IProxyClient proxy)
{
    private readonly SemaphoreSlim _saving = new(1, 1);
    private Task? _columnsLoaded;

    [PersistentState]
    public string? LastListUrl { get; set; }

    [PersistentState]
    public HashSet<string> HiddenColumns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The hidden columns as the proxy last confirmed them (comma-separated keys, sorted): what a reload shows.</summary>
    public string StoredHiddenColumns { get; private set; } = "";

    /// <summary>
    /// Reads the user's hidden columns from the proxy, once per circuit (again after a failed read). A list shows all
    /// columns rather than none when the proxy cannot say.
    /// </summary>
    public Task LoadColumnsAsync() => _columnsLoaded ??= LoadColumnsCoreAsync();

    private async Task LoadColumnsCoreAsync()
    {
        var result = await proxy.GetColumnPreferencesAsync(CancellationToken.None);
        if (result.Value is { } preferences)
        {
            HiddenColumns.Clear();
            HiddenColumns.UnionWith(preferences.Hidden);
            StoredHiddenColumns = Joined(preferences.Hidden);
        }
        else
        {
            _columnsLoaded = null;
        }
    }

    /// <summary>Stores the current choice for the user; the failure, if the proxy refused or could not be reached.</summary>
    /// <remarks>Saves run one at a time, each sending the choice as it is then, so the last one stored is the last made.</remarks>
    public async Task<ProxyFailure?> SaveColumnsAsync(CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken);
        try
        {
            var result = await proxy.SaveColumnPreferencesAsync(new ColumnPreferencesDto(HiddenColumns.Order(StringComparer.Ordinal).ToList()), cancellationToken);
            if (result.Value is { } stored)
            {
                StoredHiddenColumns = Joined(stored.Hidden);
            }

            return result.Failure;
        }
        finally
        {
            _saving.Release();
        }
    }

    private static string Joined(IEnumerable<string> keys) => string.Join(',', keys.Order(StringComparer.Ordinal));
}
