using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EmrPortal.Tests.Shared;

/// <summary>
/// A real, throw-away Debian <c>redis-server</c> on a free loopback port, in memory only (<c>--save '' --appendonly no</c>),
/// stopped by its process id. Use it as a fixture (<see cref="IAsyncLifetime"/>) or start one with <see cref="StartAsync"/>.
/// The port is chosen a moment before redis binds it, so on a shared machine something else may take it first: then
/// redis exits and another port is tried. A reply from someone else's redis is not taken for ours (INFO's
/// <c>process_id</c> must be ours). One source for every test module (linked into each project).
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const int Attempts = 5;
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    static RedisServer()
    {
        // A test host that ends without disposing its fixtures leaves no redis-server behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                Kill(process);
            }
        };
    }

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string (<c>ConnectionStrings:redis</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The process id of the running server (0 when stopped).</summary>
    public int ProcessId => _process is { HasExited: false } p ? p.Id : 0;

    /// <summary>The last lines redis-server wrote (for failure messages).</summary>
    public string Output => string.Join(Environment.NewLine, _output);

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
            var startInfo = new ProcessStartInfo("redis-server")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var argument in (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                startInfo.ArgumentList.Add(argument);
            }

            var redis = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server could not be started.");
            Running[redis.Id] = redis;
            // Drain its output (a chatty server never blocks on a full pipe), keeping the tail for failure messages.
            redis.OutputDataReceived += (_, e) => Keep(e.Data);
            redis.ErrorDataReceived += (_, e) => Keep(e.Data);
            redis.BeginOutputReadLine();
            redis.BeginErrorReadLine();

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
                Kill(redis);
                Running.TryRemove(redis.Id, out _);
                redis.Dispose();
                if (attempt >= Attempts)
                {
                    throw new InvalidOperationException($"redis-server did not start (last port {port}):{Environment.NewLine}{Output}");
                }
            }
        }
    }

    /// <summary>Sends one command (RESP) and returns a simple/bulk/integer reply as text, or an array joined by newlines.</summary>
    public async Task<string?> CommandAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Request(arguments), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await ReadReplyAsync(reader, cancellationToken);
    }

    /// <summary>Stops the server (a test of what happens when Redis goes away); disposing afterwards is fine.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            Kill(process);
            Running.TryRemove(process.Id, out _);
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40 && _output.TryDequeue(out _))
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] Request(string[] arguments)
    {
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(request.ToString());
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
            await stream.WriteAsync(Request(["INFO", "server"]), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var info = await ReadReplyAsync(reader, timeout.Token);
            return info?.Contains($"process_id:{pid}\r\n", StringComparison.Ordinal) == true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<string?> ReadReplyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("redis closed the connection");
        switch (line[0])
        {
            case '+':
            case ':':
                return line[1..];
            case '-':
                throw new InvalidOperationException($"redis: {line[1..]}");
            case '$':
                var length = int.Parse(line[1..], CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var buffer = new char[length + 2];
                await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
                return new string(buffer, 0, length);
            case '*':
                var count = int.Parse(line[1..], CultureInfo.InvariantCulture);
                var items = new List<string?>();
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(reader, cancellationToken));
                }

                return string.Join('\n', items);
            default:
                throw new IOException($"Unexpected redis reply: {line}");
        }
    }
}
