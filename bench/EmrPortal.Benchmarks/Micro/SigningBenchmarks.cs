using System.Net;
using BenchmarkDotNet.Attributes;
using EmrPortal.Emr;
using EmrPortal.Emr.Signing;
using Microsoft.Extensions.Options;

namespace EmrPortal.Benchmarks.Micro;

/// <summary>
/// Cost of signing one ListSessionClusters call: the pure ACS3 signer, and the real signing handler on an
/// <see cref="HttpRequestMessage"/> (headers, date, random nonce, signature) with a no-op transport behind it.
/// </summary>
public class SigningBenchmarks
{
    private const string AccessKeyId = "LTAI5tEmrPortalDemoKey";
    private const string AccessKeySecret = "EmrPortalDemoSecret-NotForProduction";
    private const string Query = "?maxResults=100&nextToken=eyJvIjoxMDAsIm0iOiJhYmMifQ&regionId=cn-hangzhou";
    private static readonly Uri RequestUri = new("http://127.0.0.1:5180/api/v1/workspaces/w-large/sessionClusters" + Query);

    private Acs3Request _request = null!;
    private HttpMessageInvoker _invoker = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = new Acs3Request(
            "GET",
            "/api/v1/workspaces/w-large/sessionClusters",
            Query,
            [
                new("host", "127.0.0.1:5180"),
                new("x-acs-action", "ListSessionClusters"),
                new("x-acs-version", Acs3SigningHandler.ApiVersion),
                new("x-acs-date", "2025-06-01T12:00:00Z"),
                new("x-acs-signature-nonce", "3f1c5b2a9e8d4c7b6a5f4e3d2c1b0a99"),
                new("x-acs-content-sha256", Acs3Signer.EmptyPayloadSha256),
            ],
            Acs3Signer.EmptyPayloadSha256);

        var options = new FixedOptionsMonitor<EmrClientOptions>(new EmrClientOptions
        {
            Endpoint = "http://127.0.0.1:5180",
            RegionId = "cn-hangzhou",
            AccessKeyId = AccessKeyId,
            AccessKeySecret = AccessKeySecret,
        });
        _invoker = new HttpMessageInvoker(new Acs3SigningHandler(options, TimeProvider.System) { InnerHandler = new NoTransport() });
    }

    [GlobalCleanup]
    public void Cleanup() => _invoker.Dispose();

    [Benchmark(Description = "Acs3Signer.Sign (canonical request + HMAC)")]
    public string Sign() => Acs3Signer.Sign(_request, AccessKeyId, AccessKeySecret).Authorization;

    [Benchmark(Description = "Acs3SigningHandler on an HttpRequestMessage")]
    public async Task<HttpStatusCode> SignHttpRequest()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, RequestUri);
        message.Options.Set(Acs3SigningHandler.ActionOption, "ListSessionClusters");
        using var response = await _invoker.SendAsync(message, CancellationToken.None);
        return response.StatusCode;
    }

    /// <summary>Answers without I/O, so only the signing handler's work is measured.</summary>
    private sealed class NoTransport : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}

/// <summary>An options monitor with one fixed value (the handler reads <c>CurrentValue</c> per request).</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
