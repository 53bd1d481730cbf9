using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>The caller's hidden session-list columns, stored per user in the portal database (<c>/api/v1/me/preferences/columns</c>).</summary>
public sealed class ColumnPreferencesApiTests : IAsyncLifetime
{
    private const string Path = "/api/v1/me/preferences/columns";
    private readonly ProxyHost _host = new(InsightsHost.Settings(), InsightsHost.NoThrottling);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Api Api => new(_host);

    [Fact]
    public async Task Hidden_columns_are_kept_per_user_normalized_and_replaced_by_the_next_choice()
    {
        Assert.Empty((await Api.GetOk<ColumnPreferencesDto>("viewer", Path)).Hidden);

        var (saved, savedBody) = await _host.SendAsync(HttpMethod.Put, _host.Token("viewer"), Path, new ColumnPreferencesDto(["queue", "kind", "queue"]));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(["kind", "queue"], Api.Read<ColumnPreferencesDto>(savedBody).Hidden);

        Assert.Equal(["kind", "queue"], (await Api.GetOk<ColumnPreferencesDto>("viewer", Path)).Hidden);
        // Another user's choice is their own; an outsider (no workspace at all) still has preferences.
        Assert.Empty((await Api.GetOk<ColumnPreferencesDto>("admin", Path)).Hidden);
        var (outsider, _) = await _host.SendAsync(HttpMethod.Put, _host.Token("outsider"), Path, new ColumnPreferencesDto(["owner"]));
        Assert.Equal(HttpStatusCode.OK, outsider.StatusCode);
        Assert.Equal(["kind", "queue"], (await Api.GetOk<ColumnPreferencesDto>("viewer", Path)).Hidden);

        await _host.SendAsync(HttpMethod.Put, _host.Token("viewer"), Path, new ColumnPreferencesDto([]));
        Assert.Empty((await Api.GetOk<ColumnPreferencesDto>("viewer", Path)).Hidden);
        Assert.Equal(["owner"], (await Api.GetOk<ColumnPreferencesDto>("outsider", Path)).Hidden);
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"hidden":["Queue"]}""", "hidden[0]" },
        { """{"hidden":["queue","<script>"]}""", "hidden[1]" },
        { """{"hidden":["queue\n"]}""", "hidden[0]" },
        { """{"hidden":[null]}""", "hidden[0]" },
        { "{\"hidden\":[\"" + new string('a', 33) + "\"]}", "hidden[0]" },
        { "{\"hidden\":[" + string.Join(",", Enumerable.Range(0, ColumnPreferencesDto.MaxHidden + 1).Select(i => $"\"c{i}\"")) + "]}", "hidden" },
        { """{"hidden":"queue"}""", "body" },
        { """{}""", "body" },
        { "not json", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_choices_are_refused_with_the_field_named_and_nothing_is_stored(string json, string field)
    {
        var (response, body) = await PutRawAsync(json, "application/json");

        var problem = Api.Problem(response, body, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.Empty((await Api.GetOk<ColumnPreferencesDto>("viewer", Path)).Hidden);
    }

    [Fact]
    public async Task A_body_that_is_not_json_or_too_large_is_refused_unread()
    {
        var (plain, plainBody) = await PutRawAsync("""{"hidden":["queue"]}""", "text/plain");
        Api.Problem(plain, plainBody, HttpStatusCode.UnsupportedMediaType);

        var huge = "{\"hidden\":[\"queue\"],\"padding\":\"" + new string('x', 10_000) + "\"}";
        var (large, largeBody) = await PutRawAsync(huge, "application/json");
        Api.Problem(large, largeBody, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty((await Api.GetOk<ColumnPreferencesDto>("viewer", Path)).Hidden);
    }

    [Fact]
    public async Task Preferences_need_a_signed_in_caller()
    {
        var (anonymous, _) = await _host.GetAsync(null, Path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<(HttpResponseMessage Response, string Body)> PutRawAsync(string content, string mediaType)
    {
        using var client = _host.Proxy.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Token("viewer"));
        request.Content = new StringContent(content, Encoding.UTF8, mediaType);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
