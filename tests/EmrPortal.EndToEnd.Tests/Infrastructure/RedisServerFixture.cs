using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's redis-server on a free loopback port, in memory only (<c>--save '' --appendonly no</c>), stopped by PID.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private ManagedProcess? _process;

    public int Port { get; private set; }

    /// <summary>StackExchange.Redis form, as <c>ConnectionStrings:redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public async ValueTask InitializeAsync()
    {
        Port = FreePort.Next();
        _process = ManagedProcess.Start(
            "redis",
            "redis-server",
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            Path.GetTempPath(),
            new Dictionary<string, string?>());

        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited:\n{_process.Tail()}");
            }

            try
            {
                if (await CommandAsync(CancellationToken.None, "PING") == "PONG")
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"redis-server did not answer PING:\n{_process.Tail()}");
    }

    /// <summary>Sends one command (RESP) and returns a simple/bulk/integer reply as text, or an array joined by newlines.</summary>
    public async Task<string?> CommandAsync(CancellationToken ct, params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, ct);
        await using var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await ReadReplyAsync(reader);
    }

    private static async Task<string?> ReadReplyAsync(StreamReader reader)
    {
        var line = await reader.ReadLineAsync() ?? throw new IOException("redis closed the connection");
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
                await reader.ReadBlockAsync(buffer, 0, buffer.Length);
                return new string(buffer, 0, length);
            case '*':
                var count = int.Parse(line[1..], CultureInfo.InvariantCulture);
                var items = new List<string?>();
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(reader));
                }

                return string.Join('\n', items);
            default:
                throw new IOException($"Unexpected redis reply: {line}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
