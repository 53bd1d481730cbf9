using System.Net.Http.Headers;
using EmrPortal.Web.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Web.Services;

/// <summary>
/// Puts the user's token on a request only when the request goes to the proxy (same scheme, host and port as
/// <see cref="ProxyOptions.BaseUrl"/>). The token itself is carried in the request's options by <see cref="ProxyClient"/>:
/// handlers live in the HttpClientFactory's own scope, not the circuit's, so they cannot look the user up themselves.
/// </summary>
public sealed class ProxyBearerTokenHandler(IOptions<ProxyOptions> options) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> AccessTokenKey = new("EmrPortal.ProxyAccessToken");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        if (request.Options.TryGetValue(AccessTokenKey, out var token) && IsProxy(request.RequestUri, options.Value.BaseUrl))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return base.SendAsync(request, cancellationToken);
    }

    internal static bool IsProxy(Uri? requestUri, Uri? proxyBase) =>
        requestUri is { IsAbsoluteUri: true } && proxyBase is { IsAbsoluteUri: true }
        && Uri.Compare(requestUri, proxyBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
