using System.Diagnostics;
using System.Net;
using EmrPortal.Emr.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Emr.Tests.Http;

public sealed class ResilienceTests
{
    private const string WorkspacesOk = """{"requestId":"OK-1","workspaces":[{"workspaceId":"w-1"}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Throttling_is_retried_after_the_servers_retry_after_and_each_attempt_is_re_signed()
    {
        var stub = new StubHttpHandler((_, i) =>
        {
            if (i > 0)
            {
                return StubHttpHandler.Json(WorkspacesOk);
            }

            var throttled = StubHttpHandler.Error(HttpStatusCode.BadRequest, "Throttling.User", "Request was denied due to user flow control.");
            throttled.Headers.TryAddWithoutValidation("x-acs-retry-after", "300");
            return throttled;
        });
        using var host = new EmrClientHost(stub, timeProvider: new SteppingTimeProvider(DateTimeOffset.Parse("2025-01-15T08:30:00Z", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(1)));
        var started = Stopwatch.StartNew();

        var response = await host.Client.ListWorkspacesAsync(cancellationToken: Ct);

        Assert.Equal("OK-1", response.RequestId);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(280), $"retried after {started.Elapsed}, before the 300 ms the server asked for");
        var (first, second) = (stub.Requests[0], stub.Requests[1]);
        Assert.Equal(2, stub.Requests.Count);
        Assert.NotEqual(first.Header("x-acs-signature-nonce"), second.Header("x-acs-signature-nonce"));
        Assert.NotEqual(first.Header("x-acs-date"), second.Header("x-acs-date"));
        Assert.NotEqual(first.Header("Authorization"), second.Header("Authorization"));
        SignatureAssert.Valid(first);
        SignatureAssert.Valid(second);
    }

    [Theory]
    [InlineData("Throttling")]
    [InlineData("Throttling.Api")]
    [InlineData("SignatureNonceUsed")]
    public async Task Retryable_codes_in_a_400_body_are_retried(string code)
    {
        var stub = new StubHttpHandler((_, i) => i == 0 ? StubHttpHandler.Error(HttpStatusCode.BadRequest, code) : StubHttpHandler.Json(WorkspacesOk));
        using var host = new EmrClientHost(stub);

        await host.Client.ListWorkspacesAsync(cancellationToken: Ct);

        Assert.Equal(2, stub.Requests.Count);
        Assert.NotEqual(stub.Requests[0].Header("x-acs-signature-nonce"), stub.Requests[1].Header("x-acs-signature-nonce"));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "SignatureDoesNotMatch")]
    [InlineData(HttpStatusCode.Forbidden, "SignatureDoesNotMatch")]
    [InlineData(HttpStatusCode.NotFound, "InvalidAccessKeyId.NotFound")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidAccessKeyId.Inactive")]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden.RAM")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidParameter")]
    [InlineData(HttpStatusCode.BadRequest, "IncompleteSignature")]
    public async Task Auth_and_parameter_errors_are_not_retried(HttpStatusCode status, string code)
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Error(status, code));
        using var host = new EmrClientHost(stub);

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.HttpStatus);
        Assert.Single(stub.Requests);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Server_errors_are_retried_up_to_max_attempts()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"));
        using var host = new EmrClientHost(stub);

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.Equal(4, stub.Requests.Count);
        Assert.Equal(4, stub.Requests.Select(r => r.Header("x-acs-signature-nonce")).Distinct().Count());
        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.HttpStatus);
    }

    [Fact]
    public async Task Max_attempts_is_configurable_and_one_disables_retries()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Error(HttpStatusCode.InternalServerError, "InternalError"));
        using var host = new EmrClientHost(stub, o => o.MaxAttempts = 1);

        await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Network_errors_are_retried()
    {
        var stub = new StubHttpHandler((_, i) => i == 0 ? throw new HttpRequestException("connection reset") : StubHttpHandler.Json(WorkspacesOk));
        using var host = new EmrClientHost(stub);

        var response = await host.Client.ListWorkspacesAsync(cancellationToken: Ct);

        Assert.Equal("OK-1", response.RequestId);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        var stub = new StubHttpHandler(async (_, i, ct) =>
        {
            if (i == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }

            return StubHttpHandler.Json(WorkspacesOk);
        });
        using var host = new EmrClientHost(stub, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(200));

        var response = await host.Client.ListWorkspacesAsync(cancellationToken: Ct);

        Assert.Equal("OK-1", response.RequestId);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_total_timeout_fails_at_once_with_the_throttling_error()
    {
        var stub = new StubHttpHandler((_, _) =>
        {
            var throttled = StubHttpHandler.Error(HttpStatusCode.BadRequest, "Throttling.User", "Request was denied due to user flow control.");
            throttled.Headers.TryAddWithoutValidation("x-acs-retry-after", "100000");
            return throttled;
        });
        using var host = new EmrClientHost(stub, o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(60);
            o.MaxAttempts = 4;
        });

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.True(error.IsThrottling);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Total_timeout_surfaces_as_a_timeout_exception()
    {
        var stub = new StubHttpHandler(async (_, _, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return StubHttpHandler.Json(WorkspacesOk);
        });
        using var host = new EmrClientHost(stub, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(150);
            o.TotalTimeout = TimeSpan.FromMilliseconds(400);
            o.MaxAttempts = 10;
        });

        await Assert.ThrowsAsync<TimeoutException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.InRange(stub.Requests.Count, 2, 4);
    }

    [Fact]
    public async Task The_service_defaults_standard_handler_is_replaced_not_stacked()
    {
        // ServiceDefaults add a standard resilience handler to every client; if it stayed, attempts would multiply and
        // its retries would re-send an already used nonce.
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"));
        using var host = new EmrClientHost(
            stub,
            o => o.MaxAttempts = 2,
            before: services => services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler()));

        await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(2, stub.Requests.Select(r => r.Header("x-acs-signature-nonce")).Distinct().Count());
    }
}
