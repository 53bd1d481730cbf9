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
/// <c>from</c> is given) and the columns the user chose to show. A persistent service: it survives a paused circuit.</summary>
public sealed class ListViewState
{
    [PersistentState]
    public string? LastListUrl { get; set; }

    [PersistentState]
    public HashSet<string> HiddenColumns { get; set; } = new(StringComparer.Ordinal);
}
