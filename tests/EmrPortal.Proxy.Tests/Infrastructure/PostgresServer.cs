using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>
/// A real, throwaway PostgreSQL server (Debian's <c>postgresql</c> package; test.sh installs it when initdb is
/// missing): <c>initdb</c> into a temp directory, started on a free loopback port, stopped by the postmaster's PID.
/// PostgreSQL refuses to run as root, so under root the cluster belongs to the <c>postgres</c> system user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Superuser = "portal";
    private string? _directory;
    private int? _pid;

    public int Port { get; private set; }

    /// <summary>Connection string of a fresh, empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = "portal_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Database = database, Pooling = true }.ToString();

    public async ValueTask InitializeAsync()
    {
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql, or run ./test.sh.");
        var asRoot = Environment.UserName == "root" || GetUid() == 0;
        _directory = Path.Combine(Path.GetTempPath(), "emrportal-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", _directory]);
        }

        var data = Path.Combine(_directory, "data");
        var log = Path.Combine(_directory, "server.log");
        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-sync"], asRoot);

        // The port is chosen before the postmaster binds it, so on a shared machine something may take it in between:
        // then the start fails with "could not bind" in the server log, and another port is tried. pg_ctl -w checks
        // through this server's own socket directory, so it cannot mistake another server for this one.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = string.Join(' ',
                $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-c listen_addresses=127.0.0.1", $"-k {_directory}",
                "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200");
            try
            {
                await RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), ["start", "-w", "-t", "60", "-D", data, "-l", log, "-o", options], asRoot);
                break;
            }
            catch (InvalidOperationException) when (attempt < 5 && File.Exists(log)
                && File.ReadAllText(log).Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(log);
            }
        }

        // The postmaster's PID is the first line of postmaster.pid: that is what DisposeAsync stops.
        var pidLine = (await File.ReadAllLinesAsync(Path.Combine(data, "postmaster.pid")))[0];
        _pid = int.Parse(pidLine, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_pid is { } pid)
        {
            // SIGINT: "fast" shutdown (roll back, disconnect, exit) — then wait for the process to go.
            await RunAsync("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)], check: false);
            try
            {
                using var process = Process.GetProcessById(pid);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static uint GetUid()
    {
        try
        {
            var status = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return status is null ? uint.MaxValue : uint.Parse(status.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return uint.MaxValue;
        }
    }

    private static Task RunAsPostgresAsync(string file, string[] args, bool asPostgres) =>
        asPostgres ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, string[] args, bool check = true)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
