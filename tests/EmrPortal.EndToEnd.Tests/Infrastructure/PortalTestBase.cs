using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A browser test: its own fresh browser context (no cookies), closed afterwards. On failure the page at that moment
/// is saved to artifacts/screenshots/failed-&lt;test&gt;.png, and the Web app's recent output is in the message.
/// </summary>
public abstract class PortalTestBase(PortalFixture portal, BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    internal PortalFixture Portal { get; } = portal;

    internal BrowserFixture BrowserFixture { get; } = browser;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync()
    {
        Portal.EnsureRunning();
        return ValueTask.CompletedTask;
    }

    /// <summary>A new signed-out browser profile on the portal.</summary>
    protected async Task<IBrowserContext> NewContextAsync(Uri? baseAddress = null, Action<BrowserNewContextOptions>? configure = null)
    {
        var context = await BrowserFixture.NewContextAsync(baseAddress ?? Portal.WebAddress, configure);
        _contexts.Add(context);
        return context;
    }

    /// <summary>A new context, signed in as <paramref name="userId"/>, showing <paramref name="pathAndQuery"/> once ready.</summary>
    protected async Task<IPage> OpenAsync(string userId, string pathAndQuery, Action<BrowserNewContextOptions>? configure = null)
    {
        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(configure: configure), userId, pathAndQuery);
        await PortalBrowser.WaitForReadyAsync(page);
        return page;
    }

    public virtual async ValueTask DisposeAsync()
    {
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        foreach (var (context, c) in _contexts.Select((context, c) => (context, c)))
        {
            if (failed)
            {
                foreach (var (page, i) in context.Pages.Select((p, i) => (p, i)))
                {
                    // One file per page of every context (a test may drive several users side by side).
                    var name = c == 0 ? $"failed-{TestContext.Current.TestMethod?.MethodName}-{i}" : $"failed-{TestContext.Current.TestMethod?.MethodName}-{c}-{i}";
                    try
                    {
                        await PortalBrowser.ScreenshotAsync(page, name);
                    }
                    catch (PlaywrightException)
                    {
                        // A crashed page has nothing to show.
                    }
                }
            }

            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }
}
