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

    /// <summary>
    /// Starts redis-server on a free port and waits (bounded) until it answers as itself: the port is chosen before
    /// redis binds it, so on a shared machine something else may take it first. Then redis exits ("Address already in
    /// use") and another port is tried; a PING answered by someone else's redis is not taken for ours (its
    /// <c>process_id</c> must be ours).
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            _process = ManagedProcess.Start(
                "redis",
                "redis-server",
                ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                Path.GetTempPath(),
                new Dictionary<string, string?>());
            if (await AnswersAsItselfAsync(_process, TimeSpan.FromSeconds(60)))
            {
                return;
            }

            var output = _process.Tail();
            await _process.DisposeAsync();
            if (attempt >= 5 || !output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}:\n{output}");
            }
        }
    }

    private async Task<bool> AnswersAsItselfAsync(ManagedProcess process, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                var info = await CommandAsync(CancellationToken.None, "INFO", "server");
                if (info?.Contains($"process_id:{process.Pid}\r\n", StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        return false;
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
