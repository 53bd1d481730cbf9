using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

[Collection(ProxyCollection.Name)]
public sealed class SmokeTests(ProxyFixture fixture) : ApiTestBase(fixture)
{
    [Fact]
    public async Task Viewer_lists_the_first_page_of_a_mapped_workspace()
    {
        var page = await GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions");
        Assert.Equal(320, page.TotalCount);
        Assert.Equal(25, page.Items.Count);
    }
}
