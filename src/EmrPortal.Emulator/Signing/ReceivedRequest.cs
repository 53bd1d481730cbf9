using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace EmrPortal.Emulator.Signing;

/// <summary>
/// The request exactly as it arrived: method, the raw (undecoded) path and query from the request target, the
/// headers and the body bytes. Signatures are checked against this, never against decoded route values.
/// </summary>
internal sealed record ReceivedRequest(string Method, string RawPath, string RawQuery, IHeaderDictionary Headers, byte[] Body)
{
    public static ReceivedRequest From(HttpContext context, byte[] body)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget))
        {
            // Hosts that do not expose the raw target: rebuild it from the still-escaped components.
            rawTarget = context.Request.PathBase.ToUriComponent() + context.Request.Path.ToUriComponent()
                + context.Request.QueryString.ToUriComponent();
        }
        else if (rawTarget.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                 || rawTarget.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Absolute-form target (proxies): keep only path and query, still undecoded.
            var afterScheme = rawTarget.IndexOf("://", StringComparison.Ordinal) + 3;
            var slash = rawTarget.IndexOf('/', afterScheme);
            rawTarget = slash < 0 ? "/" : rawTarget[slash..];
        }

        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rawTarget : rawTarget[..question];
        var query = question < 0 ? "" : rawTarget[(question + 1)..];
        return new ReceivedRequest(context.Request.Method, path.Length == 0 ? "/" : path, query, context.Request.Headers, body);
    }

    /// <summary>A header's values joined with <c>,</c> and trimmed, or null when absent.</summary>
    public string? Header(string name)
    {
        var values = Headers[name];
        if (StringValues.IsNullOrEmpty(values))
        {
            return values.Count > 0 ? "" : null;
        }

        return values.Count == 1
            ? values[0]!.Trim()
            : string.Join(',', values.Select(v => (v ?? "").Trim()));
    }

    /// <summary>Query pairs decoded (with <c>+</c> as space), in wire order; a name without <c>=</c> has an empty value.</summary>
    public IEnumerable<(byte[] Name, byte[] Value)> DecodedQuery()
    {
        foreach (var part in RawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            yield return (AcsEncoding.DecodeQueryComponent(name), AcsEncoding.DecodeQueryComponent(value));
        }
    }
}
