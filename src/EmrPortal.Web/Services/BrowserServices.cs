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
/// <c>from</c> is given) and the columns the user chose to show.</summary>
public sealed class ListViewState
{
    public string? LastListUrl { get; set; }

    public HashSet<string> HiddenColumns { get; } = new(StringComparer.Ordinal);
}
