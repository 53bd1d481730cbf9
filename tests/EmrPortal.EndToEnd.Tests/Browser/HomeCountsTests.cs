using System.Globalization;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>A portal of its own, started for this class, so no other test has opened a workspace before home is shown.</summary>
public sealed class FreshStackFixture : IAsyncLifetime
{
    internal DemoIdentity Identity { get; } = new();

    internal RunningApp? Emulator { get; private set; }

    internal RunningApp? Proxy { get; private set; }

    internal RunningApp? Web { get; private set; }

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        Emulator = await RunningApp.StartAsync("Emulator", "emulator-fresh", PortalFixture.WithoutNulls(PortalFixture.EmulatorSettings()), timeout.Token);
        Proxy = await RunningApp.StartAsync("Proxy", "proxy-fresh",
            PortalFixture.WithoutNulls(PortalFixture.ProxySettings(Emulator.BaseAddress, Identity.PublicKeyPem)), timeout.Token);
        Web = await RunningApp.StartAsync("Web", "web-fresh",
            PortalFixture.WithoutNulls(PortalFixture.WebSettings(Proxy.BaseAddress, Identity.PrivateKeyPem)), timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { Web, Proxy, Emulator })
        {
            if (app is not null) await app.DisposeAsync();
        }

        Identity.Dispose();
    }
}

/// <summary>Home shows each workspace's session count from a fresh start, without anyone opening a workspace.</summary>
public sealed class HomeCountsTests(PortalFixture portal, BrowserFixture browser, FreshStackFixture stack)
    : PortalTestBase(portal, browser), IClassFixture<FreshStackFixture>
{
    [Fact]
    public async Task A_fresh_portal_shows_every_workspace_count_on_home_without_opening_a_workspace()
    {
        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(stack.Web!.BaseAddress), "admin", "/");
        await PortalBrowser.WaitForReadyAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='workspace-row']")).ToHaveCountAsync(PortalFixture.SeededWorkspaces.Count);
        await Assertions.Expect(page.Locator("[data-testid='workspace-list']")).Not.ToContainTextAsync("not loaded yet");

        var proxy = new ProxyApiClient(stack.Proxy!.BaseAddress, stack.Identity);
        foreach (var (id, _, _) in PortalFixture.SeededWorkspaces)
        {
            var count = page.Locator($"[data-testid='workspace-row'][data-workspace-id='{id}'] [data-testid='workspace-count']");
            await Assertions.Expect(count).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d[\d,]*$"), new() { Timeout = 60_000 });
            // Only now ask the proxy (asking first would load the workspace): the count is the list's total.
            var (_, list) = await proxy.GetAsync("admin", $"/api/v1/workspaces/{id}/sessions?pageSize=1", Ct);
            Assert.Equal(list!["totalCount"]!.GetValue<int>().ToString("N0", CultureInfo.InvariantCulture), (await count.TextContentAsync())?.Trim());
        }

        await Assertions.Expect(page.Locator("a.state-count").First).ToBeVisibleAsync();
        Assert.Equal("/", PortalBrowser.PathAndQuery(page.Url));
    }
}
