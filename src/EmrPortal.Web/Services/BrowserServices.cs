using EmrPortal.Contracts;
using Microsoft.JSInterop;

namespace EmrPortal.Web.Services;

/// <summary>The browser side of the portal (wwwroot/js/portal.js): time zone, theme preference, clipboard.
/// Circuit-scoped; the time zone is asked once per circuit.</summary>
public sealed class BrowserInterop(IJSRuntime js)
{
    private Task<TimeZoneInfo>? _timeZone;

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
/// <c>from</c> is given) and the columns the user chose to hide (kept by the proxy per user, read once per circuit).</summary>
public sealed class ListViewState(IProxyClient proxy)
{
    private readonly SemaphoreSlim _saving = new(1, 1);
    private Task? _columnsLoaded;

    public string? LastListUrl { get; set; }

    public HashSet<string> HiddenColumns { get; } = new(StringComparer.Ordinal);

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
