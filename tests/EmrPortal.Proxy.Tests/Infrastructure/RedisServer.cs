using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>
/// A real, throw-away <c>redis-server</c> on a free loopback port (no persistence), stopped by its process id. Use it
/// as a class fixture, or start one per test with <see cref="StartAsync"/>. redis binds a port chosen a moment earlier:
/// if something took it meanwhile, redis exits and another port is tried; a connection to someone else's redis is not
/// taken for ours (INFO's process_id must be ours).
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string (<c>ConnectionStrings:redis</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new RedisServer();
        await server.StartCoreAsync(cancellationToken);
        return server;
    }

    public ValueTask InitializeAsync() => new(StartCoreAsync(TestContext.Current.CancellationToken));

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; _process is null; attempt++)
        {
            var port = FreePort();
            var redis = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            Assert.NotNull(redis);
            // Drain its output so a chatty server never blocks on a full pipe.
            redis.OutputDataReceived += (_, _) => { };
            redis.BeginOutputReadLine();
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            while (!redis.HasExited && DateTimeOffset.UtcNow < deadline && !await IsOursAsync(port, redis.Id, cancellationToken))
            {
                await Task.Delay(50, cancellationToken);
            }

            if (!redis.HasExited && await IsOursAsync(port, redis.Id, cancellationToken))
            {
                _process = redis;
                Port = port;
            }
            else
            {
                if (!redis.HasExited) redis.Kill();
                redis.Dispose();
                Assert.True(attempt < 5, $"redis-server did not start (last port {port})");
            }
        }
    }

    /// <summary>Stops the server (a test of what happens when Redis goes away); disposing afterwards is fine.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether the redis-server with process id <paramref name="pid"/> answers on <paramref name="port"/>.</summary>
    private static async Task<bool> IsOursAsync(int port, int pid, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var stream = client.GetStream();
            await stream.WriteAsync("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"u8.ToArray(), timeout.Token);
            var reply = new StringBuilder();
            var buffer = new byte[4096];
            while (!reply.ToString().Contains("process_id:", StringComparison.Ordinal) || !reply.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return reply.ToString().Contains($"process_id:{pid}\r\n", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
