using System.Net;
using System.Security.Cryptography;
using System.Text;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Proxy.Notifications;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Tests.Insights;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Tests.Notifications;

/// <summary>SSRF refusals (at save and at connect), signatures, and the API's validation of rules and destinations.</summary>
public sealed class WebhookSafetyTests
{
    private static WebhookUrlPolicy Policy(params string[] allowed) =>
        new(new StaticOptions(new NotificationOptions { AllowedHosts = [.. allowed] }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.5.6.7")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("224.0.0.1")]
    public void Restricted_addresses_are_refused(string address) =>
        Assert.NotNull(Policy().CheckAddresses("example.test", [IPAddress.Parse(address)]));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.Null(Policy().CheckAddresses("example.test", [IPAddress.Parse(address)]));

    [Fact]
    public void Every_resolved_address_must_pass_and_the_allow_list_names_hosts_addresses_or_ranges()
    {
        var mixed = new[] { IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.0.0.5") };

        Assert.NotNull(Policy().CheckAddresses("rebind.test", mixed));
        Assert.Null(Policy("rebind.test").CheckAddresses("rebind.test", mixed));
        Assert.Null(Policy("10.0.0.0/8").CheckAddresses("rebind.test", mixed));
        Assert.Null(Policy("10.0.0.5").CheckAddresses("rebind.test", mixed));
        Assert.NotNull(Policy("10.0.0.6").CheckAddresses("rebind.test", mixed));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://localhost:9/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://0x7f000001/hook")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:pw@example.com/hook")]
    [InlineData("not a url")]
    public async Task The_api_refuses_webhook_urls_that_reach_inside_the_network(string url)
    {
        await using var host = new ProxyHost(InsightsHost.Settings(), InsightsHost.NoThrottling);

        var (response, body) = await host.Send(HttpMethod.Post, "admin", "/api/v1/workspaces/w-analytics/webhooks", new { name = "x", format = "generic", url });

        var problem = Insights.Api.Problem(response, body, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), body);
        Assert.DoesNotContain("0x7f000001", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_saved_while_allowed_is_refused_at_connect_once_the_allow_list_no_longer_names_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var options = new StaticOptions(new NotificationOptions { AllowedHosts = ["127.0.0.1"] });
        var policy = new WebhookUrlPolicy(options);
        Assert.Null(await policy.CheckAsync(receiver.Url("/x"), TestContext.Current.CancellationToken));
        options.CurrentValue.AllowedHosts.Clear();
        using var handler = new SocketsHttpHandler { UseProxy = false, ConnectCallback = policy.ConnectAsync };
        using var client = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(receiver.Url("/x"), new StringContent("{}"), TestContext.Current.CancellationToken));

        Assert.IsType<WebhookRefusedException>(error.InnerException ?? error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public void Generic_signature_is_hmac_sha256_over_timestamp_dot_body_and_dingtalk_signs_timestamp_newline_secret()
    {
        var envelope = new WebhookEnvelope(WebhookEnvelope.SchemaV1, "evt_1", EventTypes.Test, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "w", null, null, "t", "x", null);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        var generic = WebhookPayloads.Build(WebhookFormats.Generic, new Uri("https://hooks.example/x"), "s3cret", envelope, now);
        var ding = WebhookPayloads.Build(WebhookFormats.DingTalk, new Uri("https://oapi.dingtalk.com/robot/send?access_token=abc"), "SECabc", envelope, now);

        var headers = generic.Headers.ToDictionary(h => h.Key, h => h.Value);
        Assert.Equal("1700000000", headers[WebhookHeaders.Timestamp]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8.ToArray(), Encoding.UTF8.GetBytes("1700000000." + generic.Body)));
        Assert.Equal("v1=" + expected, headers[WebhookHeaders.Signature]);
        var sign = Convert.ToBase64String(HMACSHA256.HashData("SECabc"u8.ToArray(), Encoding.UTF8.GetBytes("1700000000123\nSECabc")));
        Assert.Equal($"https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000123&sign={Uri.EscapeDataString(sign)}", ding.Url.AbsoluteUri);
    }

    [Fact]
    public async Task Rules_are_validated_and_admin_only_parts_refused_to_viewers()
    {
        await using var host = new ProxyHost(NotificationHost.Settings(), InsightsHost.NoThrottling);
        const string rules = "/api/v1/workspaces/w-analytics/notification-rules";

        var unknownKind = await host.Send(HttpMethod.Post, "viewer", rules, new { kind = "everything" });
        var noHours = await host.Send(HttpMethod.Post, "viewer", rules, new { kind = "long-running" });
        var badView = await host.Send(HttpMethod.Post, "viewer", rules, new { kind = "view-membership", viewId = Guid.NewGuid() });
        var adminKind = await host.Send(HttpMethod.Post, "viewer", rules, new { kind = "cloud-permission-lost" });
        var withWebhook = await host.Send(HttpMethod.Post, "viewer", rules, new { kind = "session-error", destinationIds = new[] { Guid.NewGuid() } });
        var noBody = await host.Send(HttpMethod.Post, "viewer", rules);
        var outsider = await host.Send(HttpMethod.Get, "outsider", rules);
        var viewerWebhooks = await host.Send(HttpMethod.Get, "viewer", "/api/v1/workspaces/w-analytics/webhooks");
        var viewerRule = await host.CreateRuleAsync("viewer", new { kind = "long-running", hours = 12, name = "two-day runs" });
        var adminRule = await host.CreateRuleAsync("admin", new { kind = "upstream-degraded", minutes = 10 });
        var (_, viewerList) = await host.Send(HttpMethod.Get, "viewer", rules);
        var (_, adminList) = await host.Send(HttpMethod.Get, "admin", rules);
        var viewerDeletesAdmins = await host.Send(HttpMethod.Delete, "viewer", $"{rules}/{adminRule.Id}");
        var viewerDeletesOwn = await host.Send(HttpMethod.Delete, "viewer", $"{rules}/{viewerRule.Id}");

        Assert.True(Insights.Api.Problem(unknownKind.Response, unknownKind.Body, HttpStatusCode.BadRequest).GetProperty("errors").TryGetProperty("kind", out _));
        Assert.True(Insights.Api.Problem(noHours.Response, noHours.Body, HttpStatusCode.BadRequest).GetProperty("errors").TryGetProperty("hours", out _));
        Assert.True(Insights.Api.Problem(badView.Response, badView.Body, HttpStatusCode.BadRequest).GetProperty("errors").TryGetProperty("viewId", out _));
        Insights.Api.Problem(adminKind.Response, adminKind.Body, HttpStatusCode.Forbidden);
        Insights.Api.Problem(withWebhook.Response, withWebhook.Body, HttpStatusCode.Forbidden);
        Insights.Api.Problem(noBody.Response, noBody.Body, HttpStatusCode.BadRequest);
        Insights.Api.Problem(outsider.Response, outsider.Body, HttpStatusCode.Forbidden);
        Insights.Api.Problem(viewerWebhooks.Response, viewerWebhooks.Body, HttpStatusCode.Forbidden);
        Assert.Equal(("two-day runs", 12, "user-viewer"), (viewerRule.Name, viewerRule.Hours, viewerRule.CreatedBy));
        Assert.Contains(viewerRule.Id.ToString(), viewerList, StringComparison.Ordinal);
        Assert.DoesNotContain(adminRule.Id.ToString(), viewerList, StringComparison.Ordinal);
        Assert.Contains(viewerRule.Id.ToString(), adminList, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, viewerDeletesAdmins.Response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, viewerDeletesOwn.Response.StatusCode);
    }

    private sealed class StaticOptions(NotificationOptions value) : IOptionsMonitor<NotificationOptions>
    {
        public NotificationOptions CurrentValue { get; } = value;

        public NotificationOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<NotificationOptions, string?> listener) => null;
    }
}
