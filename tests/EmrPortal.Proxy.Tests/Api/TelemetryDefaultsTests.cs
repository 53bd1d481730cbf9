using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// What every request pays for and what it keeps: traces are recorded only where something exports them (an OTLP
/// endpoint, or the explicit switch for an exporter added in code), yet a ProblemDetails answer still carries the
/// caller's W3C trace id; the bearer scheme is the only and default one (the API policy names no scheme).
/// </summary>
public sealed class TelemetryDefaultsTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("http://127.0.0.1:4317", null, true)]
    [InlineData(null, "true", true)]
    [InlineData(null, "false", false)]
    public void Traces_are_recorded_only_with_an_exporter_or_the_explicit_switch(string? otlpEndpoint, string? enabled, bool recorded)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        builder.Configuration[ServiceDefaultsExtensions.TracesEnabledKey] = enabled;
        builder.ConfigureOpenTelemetry("EmrPortal.Test");
        using var host = builder.Build();

        Assert.Equal(recorded, host.Services.GetService<TracerProvider>() is not null);
    }

    [Fact]
    public async Task Without_trace_recording_a_problem_answer_still_carries_the_callers_trace_id()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(_host.Proxy.Services.GetService<TracerProvider>());
        var traceId = ActivityTraceId.CreateRandom();
        using var client = _host.Client("viewer");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces/not..a-valid-id/sessions");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(traceId.ToHexString(), JsonDocument.Parse(body).RootElement.GetProperty("traceId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bearer_scheme_is_the_only_and_default_scheme_the_api_policy_relies_on()
    {
        var schemes = _host.Proxy.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        var all = await schemes.GetAllSchemesAsync();

        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, Assert.Single(all).Name);
        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, (await schemes.GetDefaultChallengeSchemeAsync())?.Name);
    }
}
