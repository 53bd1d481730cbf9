using System.Net;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

public abstract class ApiTestBase(ProxyHost host)
{
    protected ProxyHost Host { get; } = host;

    protected async Task<T> GetOk<T>(string user, string path)
    {
        var (response, body) = await Host.GetAsync(user, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} → {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, PortalJsonOptions)!;
    }

    /// <summary>Asserts a ProblemDetails answer with the status and a traceId, and returns it.</summary>
    protected static JsonElement AssertProblem(HttpResponseMessage response, string body, HttpStatusCode status)
    {
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        return problem;
    }

    protected static readonly JsonSerializerOptions PortalJsonOptions = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = PortalJsonContext.Default,
    };
}
