using System.Net;
using System.Text;
using EmrPortal.Emr.Http;
using EmrPortal.Emr.Tests.Infrastructure;

namespace EmrPortal.Emr.Tests.Http;

public sealed class ErrorMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<EmrApiException> FailWith(Func<HttpResponseMessage> response, Action<EmrClientOptions>? configure = null)
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => response()), o =>
        {
            o.MaxAttempts = 1;
            configure?.Invoke(o);
        });
        return await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Gateway_json_error_maps_every_field()
    {
        var error = await FailWith(() =>
        {
            var response = StubHttpHandler.Error(HttpStatusCode.BadRequest, "Throttling.User", "Request was denied due to user flow control.", "REQ-42");
            response.Headers.TryAddWithoutValidation("x-acs-retry-after", "1500");
            return response;
        });

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatus);
        Assert.Equal("Throttling.User", error.Code);
        Assert.Equal("Request was denied due to user flow control.", error.ErrorMessage);
        Assert.Equal("REQ-42", error.RequestId);
        Assert.Equal("https://api.aliyun.com/troubleshoot?q=Throttling.User", error.Recommend);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), error.RetryAfter);
        Assert.Equal("ListWorkspaces", error.Action);
        Assert.True(error.IsThrottling);
        Assert.True(error.IsTransient);
        Assert.False(error.IsAuthError);
        Assert.Contains("REQ-42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lowercase_json_error_fields_are_read_too()
    {
        var error = await FailWith(() => StubHttpHandler.Json("""{"requestId":"r-1","code":"SessionClusterNotFound","message":"no such session"}""", HttpStatusCode.NotFound));

        Assert.Equal("SessionClusterNotFound", error.Code);
        Assert.Equal("no such session", error.ErrorMessage);
        Assert.Equal("r-1", error.RequestId);
        Assert.True(error.IsNotFound);
    }

    [Fact]
    public async Task Html_error_page_becomes_an_http_status_code()
    {
        var error = await FailWith(() => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body>502 Bad Gateway</body></html>", Encoding.UTF8, "text/html"),
            ReasonPhrase = "Bad Gateway",
        });

        Assert.Equal("Http502", error.Code);
        Assert.Equal("Bad Gateway", error.ErrorMessage);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Empty_error_body_uses_the_request_id_header()
    {
        var error = await FailWith(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new ByteArrayContent([]) };
            response.Headers.TryAddWithoutValidation("x-acs-request-id", "HDR-1");
            return response;
        });

        Assert.Equal("Http500", error.Code);
        Assert.Equal("HDR-1", error.RequestId);
    }

    [Fact]
    public async Task Xml_error_body_is_read()
    {
        var error = await FailWith(() => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("<?xml version=\"1.0\"?><Error><RequestId>X-1</RequestId><Code>Forbidden.RAM</Code><Message>denied</Message></Error>", Encoding.UTF8, "text/xml"),
        });

        Assert.Equal("Forbidden.RAM", error.Code);
        Assert.Equal("denied", error.ErrorMessage);
        Assert.Equal("X-1", error.RequestId);
        Assert.True(error.IsAuthError);
    }

    [Theory]
    [InlineData("250", 250)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    public void X_acs_retry_after_is_milliseconds_and_ignores_zero_negative_and_garbage(string header, int? expectedMs)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
        response.Headers.TryAddWithoutValidation("x-acs-retry-after", header);

        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, EmrErrorReader.RetryAfter(response));
    }

    [Fact]
    public void Standard_retry_after_seconds_is_a_fallback()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), EmrErrorReader.RetryAfter(response));
    }

    [Theory]
    [InlineData("Throttling", true)]
    [InlineData("Throttling.User", true)]
    [InlineData("throttling.api", true)]
    [InlineData("ThrottlingX", false)]
    [InlineData("InternalError", false)]
    [InlineData(null, false)]
    public void Throttling_codes_are_classified(string? code, bool expected) =>
        Assert.Equal(expected, EmrErrorCodes.IsThrottling(code));
}
