using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Where webhooks may go (server-side request forgery defence): absolute http(s) URLs without user info, whose host
/// resolves only to public addresses — no loopback, link-local, private, shared (CGNAT), unique-local, multicast or
/// unspecified ones — unless <see cref="NotificationOptions.AllowedHosts"/> names the host, the address or its range.
/// Checked when a destination is saved and again on every connection (<see cref="ConnectAsync"/>), so a name that
/// later resolves elsewhere (DNS rebinding) is refused too.
/// </summary>
internal sealed class WebhookUrlPolicy(IOptionsMonitor<NotificationOptions> options)
{
    /// <summary>Null when <paramref name="raw"/> may be used; otherwise why not (safe to show: no URL echoed).</summary>
    public async Task<string?> CheckAsync(string? raw, CancellationToken cancellationToken)
    {
        if (!TryParse(raw, out var uri, out var error))
        {
            return error;
        }

        try
        {
            var addresses = await ResolveAsync(uri!.IdnHost, cancellationToken);
            return CheckAddresses(uri.IdnHost, addresses);
        }
        catch (SocketException)
        {
            return "The URL's host name does not resolve.";
        }
    }

    /// <summary>Shape only: absolute http(s), a host, no user info, bounded length.</summary>
    public static bool TryParse(string? raw, out Uri? uri, out string? error)
    {
        uri = null;
        error = null;
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > PortalData.PortalDbContext.UrlLength || raw.Any(char.IsControl))
        {
            error = $"An absolute http(s) URL of at most {PortalData.PortalDbContext.UrlLength} characters is required.";
            return false;
        }

        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = "Only absolute http or https URLs are accepted.";
            uri = null;
            return false;
        }

        if (uri.UserInfo.Length > 0 || string.IsNullOrEmpty(uri.Host))
        {
            error = "The URL must name a host and carry no user name or password.";
            uri = null;
            return false;
        }

        return true;
    }

    /// <summary>Null when every address may be reached (or the host is allow-listed); otherwise the refusal.</summary>
    public string? CheckAddresses(string host, IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            return "The URL's host name does not resolve.";
        }

        var allowed = options.CurrentValue.AllowedHosts;
        if (allowed.Any(a => string.Equals(a.Trim(), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        foreach (var address in addresses)
        {
            if (IsRestricted(address) && !IsAllowListed(address, allowed))
            {
                return "The URL resolves to a loopback, link-local or private address; only public addresses are allowed unless an administrator allow-lists the host (Notifications:AllowedHosts).";
            }
        }

        return null;
    }

    /// <summary>
    /// The webhook client's connect step: resolves the host, refuses it if any address is restricted (and not
    /// allow-listed), then connects to the checked addresses only.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (CheckAddresses(host, addresses) is { } refusal)
        {
            throw new WebhookRefusedException(refusal);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses.ToArray(), context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var literal = host.Trim('[', ']');
        if (IPAddress.TryParse(literal, out var address))
        {
            return [address];
        }

        return await Dns.GetHostAddressesAsync(host, cancellationToken);
    }

    /// <summary>Loopback, link-local, private, CGNAT, unique-local, site-local, multicast, broadcast, unspecified, reserved.</summary>
    public static bool IsRestricted(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127, // 100.64.0.0/10 shared address space
                169 => b[1] == 254, // link-local (cloud metadata endpoints live here)
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2), // private, IETF protocol assignments, TEST-NET-1
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100), // benchmarking, TEST-NET-2
                203 => b[1] == 0 && b[2] == 113, // TEST-NET-3
                >= 224 => true, // multicast and reserved
                _ => false,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC // fc00::/7 unique local
                || address.IsIPv6Teredo
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // 64:ff9b::/96 NAT64 may reach private IPv4
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8); // documentation
        }

        return true;
    }

    private static bool IsAllowListed(IPAddress address, IReadOnlyList<string> allowed)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var entry in allowed)
        {
            var text = entry.Trim();
            if (text.Contains('/', StringComparison.Ordinal))
            {
                if (IPNetwork.TryParse(text, out var network) && network.Contains(address))
                {
                    return true;
                }
            }
            else if (IPAddress.TryParse(text.Trim('[', ']'), out var single) && single.Equals(address))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A webhook connection the URL policy refused (the message is safe to show and store).</summary>
internal sealed class WebhookRefusedException(string message) : Exception(message);
