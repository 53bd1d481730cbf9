using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Entra;

/// <summary>
/// The published Proxy in Entra mode (Microsoft.Identity.Web's web API validation, metadata and keys fetched from
/// "login.microsoftonline.com") against tokens the development provider mints in Entra's shapes.
/// </summary>
[Collection(EntraCollection.Name)]
public sealed class EntraProxyTokenTests(EntraPortalFixture portal)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_accepts_a_v2_access_token_with_the_api_client_id_as_audience()
    {
        portal.EnsureRunning();
        var token = await portal.Provider.MintAsync(new { user = "admin", version = 2 }, Ct);
        AssertClaims(token, aud: EntraPortalFixture.ApiClientId, iss: $"https://login.microsoftonline.com/{EntraPortalFixture.TenantId}/v2.0", ver: "2.0");

        var (status, me) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("09e37282-916e-422d-ad6d-12a538667845", me!["userId"]!.GetValue<string>());
        Assert.True(me["isAdmin"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Proxy_accepts_a_v1_access_token_with_the_app_id_uri_as_audience()
    {
        portal.EnsureRunning();
        var token = await portal.Provider.MintAsync(new { user = "viewer", version = 1 }, Ct);
        AssertClaims(token, aud: EntraPortalFixture.ApiAppIdUri, iss: $"https://sts.windows.net/{EntraPortalFixture.TenantId}/", ver: "1.0");

        var (status, me) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["w-analytics"], me!["workspaces"]!.AsArray().Select(w => w!.GetValue<string>()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Proxy_refuses_a_token_for_another_audience(int version)
    {
        portal.EnsureRunning();
        var other = version == 2 ? "00000003-0000-0000-c000-000000000000" : "https://graph.microsoft.com";
        var token = await portal.Provider.MintAsync(new { user = "admin", version, audience = other }, Ct);

        var (status, _) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Proxy_refuses_a_token_from_another_tenant(int version)
    {
        portal.EnsureRunning();
        // A real user of the other tenant (an admin there), signed by the same Microsoft keys, for the same API.
        var token = await portal.Provider.MintAsync(new { user = "foreign", version }, Ct);
        AssertClaims(token, tid: EntraPortalFixture.OtherTenantId);

        var (status, _) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Proxy_refuses_a_token_without_the_access_as_user_scope()
    {
        portal.EnsureRunning();
        var token = await portal.Provider.MintAsync(new { user = "admin", scopes = "Sessions.Read" }, Ct);

        var (status, _) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Proxy_refuses_an_expired_token()
    {
        portal.EnsureRunning();
        // Expired ten minutes ago: beyond the five minutes of clock skew a validator allows.
        var token = await portal.Provider.MintAsync(new { user = "admin", issuedSecondsAgo = 3600, lifetimeSeconds = 3000 }, Ct);

        var (status, _) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Proxy_refuses_a_token_signed_by_an_unknown_key()
    {
        portal.EnsureRunning();
        var token = await portal.Provider.MintAsync(new { user = "admin" }, Ct);
        var parts = token.Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}";

        var (status, _) = await GetMeAsync(tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Overage_token_is_accepted_and_me_says_groups_could_not_be_read()
    {
        portal.EnsureRunning();
        var token = await portal.Provider.MintAsync(new { user = "overage" }, Ct);
        var payload = Payload(token);
        Assert.Null(payload["groups"]);
        Assert.Equal("src1", payload["_claim_names"]!["groups"]!.GetValue<string>());

        var (status, me) = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(me!["groupsOverage"]!.GetValue<bool>());
        // Only what the app role grants: Portal.Viewer alone is not mapped to any workspace here.
        Assert.Empty(me["workspaces"]!.AsArray());
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> GetMeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.ProxyAddress, "/api/v1/me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static void AssertClaims(string token, string? aud = null, string? iss = null, string? ver = null, string? tid = null)
    {
        var payload = Payload(token);
        if (aud is not null)
        {
            Assert.Equal(aud, payload["aud"]!.GetValue<string>());
        }

        if (iss is not null)
        {
            Assert.Equal(iss, payload["iss"]!.GetValue<string>());
        }

        if (ver is not null)
        {
            Assert.Equal(ver, payload["ver"]!.GetValue<string>());
        }

        if (tid is not null)
        {
            Assert.Equal(tid, payload["tid"]!.GetValue<string>());
        }
    }

    internal static JsonObject Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return (JsonObject)JsonNode.Parse(Convert.FromBase64String(part))!;
    }
}
