using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>What a person does in the portal, in Playwright terms, against the Web app's data-testid contract.</summary>
internal static partial class PortalBrowser
{
    /// <summary>
    /// How long a person waits for a page to appear: a full document load (prerender, blazor.web.js, the circuit) on a
    /// 2-core machine that is also building and running other suites takes far longer than on a developer's laptop.
    /// </summary>
    public const float PageTimeoutMs = 90_000;

    /// <summary>
    /// What a person sees once a portal page has loaded: its main view is ready, or it says why not (no access, not
    /// found, an error). The sign-in page has none of these.
    /// </summary>
    public const string PageShownSelector =
        "[data-ready='true'], [data-testid='forbidden-view'], [data-testid='error-view'], [data-testid='not-found-view']";

    /// <summary>
    /// On the demo sign-in page (<c>/signin?returnUrl=…</c>): picks the user, then waits until the portal shows a page
    /// (<see cref="PageShownSelector"/>) at another URL. Not Playwright's WaitForURL: it checks the current URL, then
    /// subscribes to navigations and waits for their "load" event; the form post's redirect can commit in between on a
    /// loaded machine, and then the wait never ends (seen: 30 s timeouts right after the click, with the target page
    /// fully loaded). The URL is polled and the page's own element is waited for in the page.
    /// </summary>
    public static async Task SignInAsync(IPage page, string userId)
    {
        await WaitForUrlAsync(page, url => SignInUrl().IsMatch(url), PageTimeoutMs);
        await page.Locator($"[data-testid='signin-as-{userId}']").ClickAsync(new LocatorClickOptions { Timeout = PageTimeoutMs });
        await WaitForUrlAsync(page, url => !SignInUrl().IsMatch(url), PageTimeoutMs);
        await page.Locator(PageShownSelector).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = PageTimeoutMs });
    }

    /// <summary>Opens <paramref name="pathAndQuery"/> in a new page, signing in as <paramref name="userId"/> when the portal asks.</summary>
    public static async Task<IPage> OpenAsSignedInAsync(IBrowserContext context, string userId, string pathAndQuery)
    {
        var page = await context.NewPageAsync();
        // Only until the response is committed: what proves the step is the URL (the sign-in page or the one asked for).
        await page.GotoAsync(pathAndQuery, new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = PageTimeoutMs });
        await WaitForUrlAsync(page, url => SignInUrl().IsMatch(url) || PathAndQuery(url) == pathAndQuery, PageTimeoutMs);
        if (SignInUrl().IsMatch(page.Url))
        {
            await SignInAsync(page, userId);
        }

        return page;
    }

    /// <summary>Waits until the page's main view says it has loaded what its URL asks for (<c>data-ready="true"</c>).</summary>
    public static Task WaitForReadyAsync(IPage page, float timeoutMs = PageTimeoutMs) =>
        page.Locator("[data-ready='true']").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = timeoutMs });

    /// <summary>
    /// The session list itself (<c>data-ready</c> is also on other parts of a list page, e.g. the Views menu, which is
    /// ready before the rows are).
    /// </summary>
    public const string ListSelector = "[data-testid='session-list']";

    /// <summary>Waits until the session list says it shows what its URL asks for.</summary>
    public static Task WaitForListReadyAsync(IPage page, float timeoutMs = 60_000) =>
        page.Locator($"{ListSelector}[data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = timeoutMs });

    /// <summary>
    /// Session ids of the list's rows, in order (not the pinned section's), read in one go in the page: a count
    /// followed by one read per row could straddle a re-render and wait for a row that is gone.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RowIdsAsync(IPage page) =>
        await page.Locator($"{ListSelector} [data-testid='session-row']").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => r.getAttribute('data-session-id') ?? '')");

    /// <summary>
    /// Waits until the session list is ready and shows exactly <paramref name="expected"/> (ids, in order), both checked
    /// in the same moment in the page. A single read after a wait is not enough: the browser's URL changes a moment
    /// before the circuit renders the view it names, and until then the list is still "ready" with the previous rows.
    /// </summary>
    public static async Task ExpectRowsAsync(IPage page, IReadOnlyList<string> expected, float timeoutMs = 60_000)
    {
        try
        {
            await page.WaitForFunctionAsync(
                """
                ([selector, expected]) => {
                    const list = document.querySelector(selector);
                    if (!list || list.getAttribute('data-ready') !== 'true') return false;
                    const ids = [...list.querySelectorAll("[data-testid='session-row']")].map(r => r.getAttribute('data-session-id') ?? '');
                    return ids.length === expected.length && ids.every((id, i) => id === expected[i]);
                }
                """,
                new object[] { ListSelector, expected.ToArray() },
                new PageWaitForFunctionOptions { PollingInterval = 100, Timeout = timeoutMs });
        }
        catch (TimeoutException)
        {
            // What the list shows instead, for the failure message.
            Assert.Equal(expected, await RowIdsAsync(page));
            throw;
        }
    }

    /// <summary>
    /// Waits for a list URL to carry <paramref name="parameter"/>=<paramref name="value"/> and for the list to be ready.
    /// It may still be ready with the previous view (the URL changes first): check rows with <see cref="ExpectRowsAsync"/>.
    /// </summary>
    public static async Task WaitForListAsync(IPage page, string parameter, string value)
    {
        await WaitForUrlAsync(page, url => QueryValue(url, parameter) == value);
        await WaitForListReadyAsync(page);
    }

    /// <summary>
    /// Polls the page's URL until <paramref name="predicate"/> holds. For the circuit's own navigations (history
    /// pushState): Playwright's WaitForURL subscribes to navigation events after checking the current URL, and on a
    /// loaded machine a pushState landing in between is missed and the wait runs into its timeout.
    /// </summary>
    public static async Task WaitForUrlAsync(IPage page, Func<string, bool> predicate, float timeoutMs = 60_000)
    {
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(timeoutMs);
        while (!predicate(page.Url))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The page's URL did not change as expected within {timeoutMs} ms; it is {page.Url}.");
            }

            await Task.Delay(50);
        }
    }

    public static string? QueryValue(string url, string parameter)
    {
        var query = new Uri(url).Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == parameter)
            {
                return parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
            }
        }

        return null;
    }

    public static string PathAndQuery(string url) => new Uri(url).PathAndQuery;

    /// <summary>A full-page PNG under artifacts/screenshots; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(RepositoryPaths.Screenshots, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    [GeneratedRegex(@"/signin(\?|$)")]
    private static partial Regex SignInUrl();
}
