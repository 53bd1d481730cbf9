using System.Text.RegularExpressions;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// Drives every endpoint as every role (including error paths), then scans every response body and every captured
/// log line: the cloud secret, the bearer tokens and the sessions' connection tokens never appear.
/// </summary>
public sealed partial class SecretScanTests : ApiTestBase, IAsyncLifetime
{
    public SecretScanTests()
        : base(new ProxyHost(emulatorSettings: new Dictionary<string, string?> { ["Emulator:Seed:Hostile"] = "true" }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task No_secret_appears_in_any_response_or_log()
    {
        foreach (var user in new[] { "admin", "viewer", "outsider", null })
        {
            foreach (var path in new[]
            {
                "/api/v1/me", "/api/v1/workspaces", "/api/v1/sessions?pageSize=200", "/api/v1/workspaces/w-analytics/sessions?pageSize=200&q=sc",
                "/api/v1/workspaces/w-analytics/sessions.csv", "/api/v1/workspaces/w-analytics/scan", "/api/v1/workspaces/w-marketing/sessions",
                "/api/v1/workspaces/bad.id/sessions", "/api/v1/workspaces/w-analytics/sessions?sort=nope", "/health/ready", "/openapi/v1.json",
            })
            {
                await Host.GetAsync(user, path);
            }
        }

        var page = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200");
        foreach (var s in page.Items.Take(60))
        {
            await Host.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{s.SessionClusterId}");
            await Host.PostAsync("admin", $"/api/v1/workspaces/w-analytics/sessions/{s.SessionClusterId}/reveal");
            await Host.PostAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{s.SessionClusterId}/reveal");
        }

        // An upstream failure path too (its exception text is logged).
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":true}""");
        await Host.GetAsync("admin", "/api/v1/workspaces/w-finance/sessions");
        await Host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions/sc-0000000000000000");
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":false}""");

        var texts = Host.ResponseBodies.Concat(Host.Logs.Lines.Select(l => l.AllText)).ToList();
        Assert.True(texts.Count > 300);
        Assert.Contains(Host.Logs.Lines, l => l.Category.StartsWith("EmrPortal", StringComparison.Ordinal));
        foreach (var text in texts)
        {
            Assert.DoesNotContain(ProxyHost.AccessKeySecret, text, StringComparison.Ordinal);
            Assert.DoesNotMatch(ConnectionToken(), text);
            Assert.DoesNotContain("connectionToken", text, StringComparison.OrdinalIgnoreCase);
            foreach (var token in Host.IssuedTokens)
            {
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain(token.Split('.')[2], text, StringComparison.Ordinal); // not even the signature
            }
        }
    }

    [GeneratedRegex("ct-[0-9a-f]{40}")]
    private static partial Regex ConnectionToken();
}
