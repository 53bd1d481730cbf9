using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace EmrPortal.DevIdentityProvider;

/// <summary>
/// A minimal HTTP CONNECT proxy on loopback: <c>CONNECT login.microsoftonline.com:443</c> (or another Microsoft
/// sign-in host) is tunnelled to this provider's own https endpoint; anything else is refused. Apps started with
/// <c>HTTPS_PROXY</c> pointing here, and a browser configured with it, talk to "Entra" by its real names.
/// </summary>
public sealed partial class ConnectTunnel(IOptions<ProviderOptions> options, IServer server, ILogger<ConnectTunnel> logger) : BackgroundService
{
    private const int MaxHeaderBytes = 8 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.TunnelPort == 0)
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, options.Value.TunnelPort);
        listener.Start();
        LogListening(logger, options.Value.TunnelPort);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = Task.Run(() => HandleAsync(client, stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task HandleAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var (head, rest) = await ReadHeadAsync(stream, stoppingToken);
            var requestLine = head.Split("\r\n", 2)[0].Split(' ');
            var target = requestLine.Length == 3 && requestLine[0] == "CONNECT" ? requestLine[1] : null;
            var colon = target?.LastIndexOf(':') ?? -1;
            var host = colon > 0 ? target![..colon] : null;
            var port = colon > 0 ? target![(colon + 1)..] : null;
            var httpsPort = options.Value.HttpsPort != 0 ? options.Value.HttpsPort : OwnHttpsPort();
            if (host is null || port != "443" || httpsPort is null
                || !ProviderOptions.MicrosoftHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), stoppingToken);
                return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, httpsPort.Value, stoppingToken);
            var upstreamStream = upstream.GetStream();
            await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), stoppingToken);
            if (rest.Length > 0)
            {
                await upstreamStream.WriteAsync(rest, stoppingToken);
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var up = PumpAsync(stream, upstreamStream, done.Token);
            var down = PumpAsync(upstreamStream, stream, done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed connection ends the tunnel; nothing to report.
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static async Task<(string Head, byte[] Remainder)> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..length]);
            }
        }

        return ("", []);
    }

    private int? OwnHttpsPort()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (address.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(address.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tunnelling the Microsoft sign-in hosts through CONNECT on 127.0.0.1:{Port}")]
    private static partial void LogListening(ILogger logger, int port);
}
