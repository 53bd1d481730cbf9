using System.Net;
using System.Text;
using System.Text.Json;
using EmrPortal.Contracts.Notifications;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Notifications;

/// <summary>The result of one webhook attempt. <see cref="Error"/> never holds the URL, the secret or the body.</summary>
internal sealed record SendOutcome(bool Delivered, int? StatusCode, string? Error, bool Retryable);

/// <summary>
/// Sends one prepared webhook through the <see cref="ClientName"/> client (URL policy at connect, no redirects, no
/// proxy, a whole-request timeout, a bounded read of the answer) and classifies the answer: 2xx delivered (DingTalk
/// also needs <c>errcode</c> 0); 408, 429, 5xx, timeouts and network errors are retried; other answers are final.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options, TimeProvider time)
{
    public const string ClientName = "EmrPortal.Webhooks";

    public async Task<SendOutcome> SendAsync(string format, string url, string? secret, WebhookEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!WebhookUrlPolicy.TryParse(url, out var uri, out var error))
        {
            return new SendOutcome(false, null, error, Retryable: false);
        }

        var o = options.CurrentValue;
        var prepared = WebhookPayloads.Build(format, uri!, secret, envelope, time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, prepared.Url)
        {
            Content = new StringContent(prepared.Body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = WebhookPayloads.JsonContentType;
        request.Headers.UserAgent.ParseAdd(WebhookPayloads.UserAgent);
        foreach (var (name, value) in prepared.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.RequestTimeout);
        try
        {
            var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var answer = await ReadBoundedAsync(response, o.MaxResponseBytes, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return format == WebhookFormats.DingTalk ? DingTalkOutcome(status, answer) : new SendOutcome(true, status, null, false);
            }

            var retryable = status is 408 or 429 || status >= 500;
            return new SendOutcome(false, status, $"The receiver answered HTTP {status}.", retryable);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            // Two timers of the same length end an unanswered send: this token's and the client's resilience timeout
            // (which throws its own exception). Whichever fires first, the attempt is a timeout and is recorded as one;
            // an escaping TimeoutRejectedException left the attempt unrecorded, and the retry counted one attempt too
            // few (WebhookDeliveryTests: delivered on "attempt 2" after three sends).
            return new SendOutcome(false, null, $"No answer within {o.RequestTimeout.TotalSeconds:0.#} s.", Retryable: true);
        }
        catch (HttpRequestException ex) when (FindRefusal(ex) is { } refused)
        {
            return new SendOutcome(false, null, refused.Message, Retryable: false);
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome(false, null, "Connection failed (" + (ex.HttpRequestError.ToString()) + ").", Retryable: true);
        }
    }

    private static WebhookRefusedException? FindRefusal(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is WebhookRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>DingTalk answers 200 with <c>{"errcode":0}</c> on success; 130101 is its rate limit (retried).</summary>
    private static SendOutcome DingTalkOutcome(int status, string answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("errcode", out var code)
                && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var errcode))
            {
                return errcode == 0
                    ? new SendOutcome(true, status, null, false)
                    : new SendOutcome(false, status, $"DingTalk refused the message (errcode {errcode}).", Retryable: errcode == 130101);
            }
        }
        catch (JsonException)
        {
        }

        return new SendOutcome(false, status, "DingTalk's answer had no errcode.", Retryable: false);
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[limit];
        var read = 0;
        while (read < limit)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read, limit - read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
