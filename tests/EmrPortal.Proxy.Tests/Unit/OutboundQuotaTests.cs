using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class OutboundQuotaTests
{
    [Fact]
    public async Task Each_account_and_api_has_its_own_bucket()
    {
        using var quota = new OutboundQuota(new StaticOptions<UpstreamQuotaOptions>(new UpstreamQuotaOptions { PermitsPerSecond = 0.1, Burst = 2, QueueLimit = 0 }));
        var ct = TestContext.Current.CancellationToken;

        using var a1 = await quota.AcquireAsync("AK1", "ListSessionClusters", ct);
        using var a2 = await quota.AcquireAsync("AK1", "ListSessionClusters", ct);
        using var a3 = await quota.AcquireAsync("AK1", "ListSessionClusters", ct);
        using var other = await quota.AcquireAsync("AK1", "GetSessionCluster", ct);
        using var otherAccount = await quota.AcquireAsync("AK2", "ListSessionClusters", ct);

        Assert.True(a1.IsAcquired);
        Assert.True(a2.IsAcquired);
        Assert.False(a3.IsAcquired); // burst used up, nothing may queue
        Assert.True(other.IsAcquired);
        Assert.True(otherAccount.IsAcquired);
    }

    [Theory]
    [InlineData("GET", "/api/v1/workspaces", "ListWorkspaces")]
    [InlineData("GET", "/api/v1/workspaces/w-1/sessionClusters", "ListSessionClusters")]
    [InlineData("GET", "/api/v1/workspaces/w-1/sessionClusters/sc-1", "GetSessionCluster")]
    public void Action_is_derived_from_the_path_when_not_named(string method, string path, string action)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "https://emr.example" + path);
        Assert.Equal(action, OutboundQuotaHandler.ActionFromPath(request));
    }
}
