using System.Net;
using System.Security.Cryptography;
using System.Text;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// An admin connects a signed generic webhook in the portal and presses "send test": a local receiver gets the event
/// with a signature it can verify with the secret, the page shows the receiver's answer, and the secret typed in the
/// form never comes back in the page.
/// </summary>
public sealed class WebhookAdminTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-finance";

    [Fact]
    public async Task Admin_adds_a_signed_webhook_and_send_test_reaches_the_receiver_with_a_valid_signature()
    {
        var port = FreePort.Next();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var received = ReceiveOneAsync(receiver);
        var secret = $"e2e-{Guid.NewGuid():N}"[..28];
        var name = $"E2E receiver {Guid.NewGuid():N}"[..24];

        var page = await OpenAsync("admin", $"/workspaces/{Workspace}/webhooks");
        await page.Locator("[data-testid='webhook-new']").ClickAsync();
        await page.Locator("#webhook-name").FillAsync(name);
        await Assertions.Expect(page.Locator("input[data-testid='webhook-format-generic']")).ToBeCheckedAsync();
        await page.Locator("#webhook-url").FillAsync($"http://127.0.0.1:{port}/hook/private-path");
        await page.Locator("#webhook-secret").FillAsync(secret);
        await page.Locator("[data-testid='webhook-save']").ClickAsync();

        var row = page.Locator("[data-testid='webhook-row']", new() { HasTextString = name });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid='webhook-editor']")).ToHaveCountAsync(0);
        await Assertions.Expect(row.Locator("[data-testid='webhook-secret']")).ToHaveTextAsync($"set (••••{secret[^4..]})");
        var html = await page.ContentAsync();
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain("private-path", html, StringComparison.Ordinal);

        await row.Locator("[data-testid='webhook-test']").ClickAsync();

        var result = page.Locator("[data-testid='webhook-test-result']");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-delivered", "true", new() { Timeout = 60_000 });
        await Assertions.Expect(result).ToContainTextAsync("HTTP 200");
        var (headers, body) = await received.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("/hook/private-path", headers["path"]);
        var timestamp = headers["X-EmrPortal-Timestamp"]!;
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
        Assert.Equal(expected, headers["X-EmrPortal-Signature"]);
        Assert.Contains("\"type\":\"test\"", body, StringComparison.Ordinal);
        Assert.Contains("emrportal.notification.v1", body, StringComparison.Ordinal);
    }

    private static async Task<(Dictionary<string, string?> Headers, string Body)> ReceiveOneAsync(HttpListener listener)
    {
        var context = await listener.GetContextAsync();
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k], StringComparer.OrdinalIgnoreCase);
        headers["path"] = context.Request.Url?.AbsolutePath;
        context.Response.StatusCode = 200;
        context.Response.Close();
        return (headers, body);
    }
}
