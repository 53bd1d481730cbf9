using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace EmrPortal.Web.Extensions;

/// <summary>
/// Behind a TLS-terminating load balancer the app sees plain http: <c>X-Forwarded-Proto</c>/<c>X-Forwarded-For</c>
/// are honoured, but only from the addresses in <c>ForwardedHeaders:KnownProxies</c> (IPs) and
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR), so HSTS and https URLs follow the real scheme while a client cannot
/// claim https or another address for itself. With neither set, only loopback is trusted (the framework's default).
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string Section = "ForwardedHeaders";

    public static void AddPortalForwardedHeaders(this IHostApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection($"{Section}:KnownProxies").Get<string[]>() ?? [];
        var networks = builder.Configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
    }
}
