using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace EmrPortal.Emr.Tests.Infrastructure;

/// <summary>A request as it reached the wire (after signing).</summary>
public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, string? ContentType)
{
    public string? Header(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>The primary handler of the tests: records every attempt and answers from a script.</summary>
public sealed class StubHttpHandler(Func<CapturedRequest, int, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private int _count;

    public StubHttpHandler(Func<CapturedRequest, int, HttpResponseMessage> respond)
        : this((request, index, _) => Task.FromResult(respond(request, index)))
    {
    }

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.NonValidated.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v))).ToList();
        byte[]? body = null;
        string? contentType = null;
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            contentType = request.Content.Headers.ContentType?.ToString();
            if (contentType is not null)
            {
                headers.Add(new("Content-Type", contentType));
            }
        }

        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, body, contentType);
        _requests.Enqueue(captured);
        var index = Interlocked.Increment(ref _count) - 1;
        var response = await respond(captured, index, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message = "failed", string requestId = "REQ-1")
    {
        var json = $$"""{"RequestId":"{{requestId}}","HostId":"emr-serverless-spark.cn-hangzhou.aliyuncs.com","Code":"{{code}}","Message":"{{message}}","Recommend":"https://api.aliyun.com/troubleshoot?q={{code}}"}""";
        return Json(json, status);
    }
}
