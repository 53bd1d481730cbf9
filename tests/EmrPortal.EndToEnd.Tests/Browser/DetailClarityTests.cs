using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>The session page says only what is worth reading: the cloud's normal "200 — ok" reason is no news.</summary>
public sealed class DetailClarityTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task A_normal_200_ok_state_reason_shows_no_banner_or_tooltip_while_an_error_reason_still_does()
    {
        var (_, running) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?state=Running&pageSize=100", Ct);
        var ok = running!["items"]!.AsArray().First(s => Code(s) == "200" && Message(s) == "ok")!;

        var page = await OpenAsync("admin", $"/workspaces/w-analytics/sessions/{Id(ok)}");
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid='state-reason']")).ToHaveCountAsync(0);
        var chip = page.Locator(".header-actions [data-testid='state-chip']").First;
        await Assertions.Expect(chip).ToHaveAttributeAsync("data-state", "Running");
        Assert.DoesNotContain("200", await chip.GetAttributeAsync("title") ?? "", StringComparison.Ordinal);

        var (_, errors) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?state=Error&pageSize=100", Ct);
        var failed = errors!["items"]!.AsArray().First(s => !string.IsNullOrEmpty(Code(s)) && Code(s) != "200")!;
        await page.GotoAsync($"/workspaces/w-analytics/sessions/{Id(failed)}");
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid='state-reason']")).ToContainTextAsync(Code(failed)!);
    }

    private static string Id(JsonNode s) => s["sessionClusterId"]!.GetValue<string>();

    private static string? Code(JsonNode? s) => s?["stateChangeReasonCode"]?.GetValue<string>();

    private static string? Message(JsonNode? s) => s?["stateChangeReasonMessage"]?.GetValue<string>();
}
