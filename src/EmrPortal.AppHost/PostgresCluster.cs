using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmrPortal.AppHost;

/// <summary>
/// Debian's PostgreSQL server (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>) as a local cluster in
/// <see cref="Directory"/>: <c>data/</c> (initdb'd on first use) and the Unix socket. Loopback TCP only, and TCP needs
/// the login role's password (scram-sha-256); the socket admits only the cluster's OS user (peer). PostgreSQL refuses to
/// run as root, so under root every server tool runs as the <c>postgres</c> system user (<c>setpriv</c>, which execs:
/// the PID Aspire stops is the postmaster itself).
/// </summary>
internal sealed partial class PostgresCluster
{
    public const string Database = "portaldb";
    public const string Role = "portal";
    private const string PostgresUser = "postgres";
    private const string SetPriv = "/usr/bin/setpriv";

    // sockaddr_un.sun_path is 108 bytes; a longer socket path would stop the server from starting.
    private const int MaxSocketPathLength = 107;

    private readonly string _bin;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string bin, string directory, int port, bool asPostgresUser)
    {
        _bin = bin;
        Directory = directory;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public string Directory { get; }

    public int Port { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>The newest installed PostgreSQL; fails the AppHost at once (not a resource later) when none is.</summary>
    public static PostgresCluster Locate(string directory, int port)
    {
        var bin = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "postgres")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                "--postgres needs Debian's PostgreSQL server (no /usr/lib/postgresql/*/bin/initdb): sudo apt-get install -y postgresql. " +
                "Or give the AppHost ConnectionStrings:portaldb of an existing server.");
        }

        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser && !File.Exists(SetPriv))
        {
            throw new InvalidOperationException($"Running as root, PostgreSQL must run as the '{PostgresUser}' user, which needs {SetPriv} (util-linux).");
        }

        return new PostgresCluster(bin, directory, port, asPostgresUser);
    }

    /// <summary>The server process: the command Aspire runs and its arguments.</summary>
    public (string Command, string[] Args) ServerCommand()
    {
        var socketDirectory = Path.Combine(Directory, $".s.PGSQL.{Port}").Length <= MaxSocketPathLength ? Directory : "";
        string[] server =
        [
            Path.Combine(_bin, "postgres"), "-D", DataDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-k", socketDirectory,
        ];
        return _asPostgresUser ? (SetPriv, [.. AsPostgresUser, .. server]) : (server[0], server[1..]);
    }

    /// <summary>
    /// Before each start: on first use initdb plus the role and database (in <c>data.init</c>, renamed to <c>data</c>
    /// only when complete, so an interrupted first run starts over); then this run's password on the role. Both in
    /// single-user mode, so nothing listens before the password is set, and the password travels only over stdin.
    /// </summary>
    public async Task PrepareAsync(string password, ILogger logger, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (_asPostgresUser)
        {
            await RunAsync("chown", [$"{PostgresUser}:{PostgresUser}", Directory], stdin: null, cancellationToken);
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            LogInitializing(logger, Directory);
            var staging = Path.Combine(Directory, "data.init");
            if (System.IO.Directory.Exists(staging))
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }

            await RunServerToolAsync("initdb", ["-D", staging, "-E", "UTF8", "--locale=C", "--auth-local=peer", "--auth-host=scram-sha-256"],
                stdin: null, cancellationToken);
            await RunSingleUserAsync(staging, $"CREATE ROLE {Role} LOGIN;\nCREATE DATABASE {Database} OWNER {Role};\n", cancellationToken);
            System.IO.Directory.Move(staging, DataDirectory);
        }

        // Hex: nothing to quote. log_min_error_statement=panic keeps the statement (and so the password) out of any error.
        await RunSingleUserAsync(DataDirectory, $"ALTER ROLE {Role} PASSWORD '{password}';\n", cancellationToken);
        LogPrepared(logger, Database, Role, Port);
    }

    /// <summary><c>pg_isready</c>: the server accepts connections (not just the TCP port, which opens while it recovers).</summary>
    public async Task<(bool Ready, string Status)> IsReadyAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(Path.Combine(_bin, "pg_isready"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-d", Database, "-U", Role, "-t", "5"],
            stdin: null, cancellationToken, check: false);
        return (exitCode == 0, output.Trim());
    }

    /// <summary>
    /// A fast shutdown (<c>pg_ctl stop -m fast</c>: disconnect clients, checkpoint, remove <c>postmaster.pid</c>), so the
    /// next run starts clean instead of recovering from a kill. No-op when the server is not running.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunServerToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"], stdin: null, cancellationToken, check: false);
        }
    }

    private static string[] AsPostgresUser => [$"--reuid={PostgresUser}", $"--regid={PostgresUser}", "--init-groups", "--"];

    private Task RunSingleUserAsync(string dataDirectory, string statements, CancellationToken cancellationToken) =>
        // exit_on_error: an ERROR ends the backend with a non-zero exit code instead of reading on.
        RunServerToolAsync("postgres",
            ["--single", "-D", dataDirectory, "-c", "exit_on_error=on", "-c", "log_min_error_statement=panic", "postgres"],
            statements, cancellationToken);

    private Task<(int ExitCode, string Output)> RunServerToolAsync(
        string tool, string[] args, string? stdin, CancellationToken cancellationToken, bool check = true)
    {
        var path = Path.Combine(_bin, tool);
        return _asPostgresUser
            ? RunAsync(SetPriv, [.. AsPostgresUser, path, .. args], stdin, cancellationToken, check)
            : RunAsync(path, args, stdin, cancellationToken, check);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(
        string file, string[] args, string? stdin, CancellationToken cancellationToken, bool check = true)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user must be able to stand in it (initdb and postgres look up their working directory).
            WorkingDirectory = Directory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stderr + await stdout;
        if (check && process.ExitCode != 0)
        {
            // What was piped in may be a password: then only the server's error lines, which never quote it.
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var shown = stdin is null
                ? lines.TakeLast(10)
                : lines.Where(l => l.Contains("ERROR:", StringComparison.Ordinal) || l.Contains("FATAL:", StringComparison.Ordinal));
            var tool = Path.GetFileName(file == SetPriv ? args[AsPostgresUser.Length] : file);
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {string.Join(" | ", shown)}");
        }

        return (process.ExitCode, output);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "First use: creating the PostgreSQL cluster in {Directory}")]
    private static partial void LogInitializing(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} ready for role {Role} (new password for this run); server on 127.0.0.1:{Port}")]
    private static partial void LogPrepared(ILogger logger, string database, string role, int port);
}

/// <summary>
/// Stops the cluster when the AppHost stops. Registered after Aspire's own services, so it stops before them: the server
/// gets its fast shutdown before the orchestrator would kill the process.
/// </summary>
internal sealed class PostgresShutdown(PostgresCluster cluster) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => cluster.StopAsync(cancellationToken);
}
