using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace EmrPortal.AppHost;

/// <summary>The wiring the AppHost's diagram uses, kept here so <c>AppHost.cs</c> reads as the picture.</summary>
internal static partial class PortalResourceExtensions
{
    /// <summary>Demo cloud key the emulator accepts by default (documented, not a secret).</summary>
    private const string DemoAccessKeyId = "LTAI5tEmrPortalDemoKey";
    private const string DemoAccessKeySecret = "EmrPortalDemoSecret-NotForProduction";

    /// <summary>
    /// Plain http on a fixed local port (no dev certificate needed on a fresh machine), Development environment, and
    /// health from <c>/health/live</c> so dependants start only when their upstream answers.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPortalDefaults(this IResourceBuilder<ProjectResource> project, int port) =>
        project
            .WithHttpEndpoint(port: port, name: "http")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("DOTNET_ENVIRONMENT", "Development")
            .WithHttpHealthCheck("/health/live");

    /// <summary>Points the proxy's cloud client at the emulator, signing with the emulator's demo key over http.</summary>
    public static IResourceBuilder<ProjectResource> WithEmulatorAsCloud(
        this IResourceBuilder<ProjectResource> proxy, IResourceBuilder<ProjectResource> emulator)
    {
        var endpoint = emulator.GetEndpoint("http");
        return proxy
            .WithEnvironment("Emr__Endpoint", ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)}"))
            .WithEnvironment("Emr__Scheme", "http")
            .WithEnvironment("Emr__AccessKeyId", DemoAccessKeyId)
            .WithEnvironment("Emr__AccessKeySecret", DemoAccessKeySecret);
    }

    /// <summary>Logs the portal's address once the web app is healthy, so it is the last thing the console shows.</summary>
    public static IResourceBuilder<ProjectResource> PrintPortalUrlWhenReady(this IResourceBuilder<ProjectResource> web, bool entra) =>
        web.OnResourceReady((resource, ready, _) =>
        {
            var logger = ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EmrPortal.AppHost");
            LogPortalReady(logger, resource.GetEndpoint("http").Url,
                entra ? "through Entra ID (the development identity provider's sign-in page)" : "as a demo user");
            return Task.CompletedTask;
        });

    /// <summary>
    /// Debian's <c>redis-server</c> as an executable resource on a loopback port, in memory only (no RDB/AOF files),
    /// healthy once it answers PING.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var healthCheckKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, ct => PingRedisAsync(port, ct));

        return builder.AddExecutable(name, "redis-server", Path.GetTempPath(),
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Uses Redis as cache L2, data-protection and token-cache store (<c>ConnectionStrings:redis</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithRedis(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ExecutableResource> redis)
    {
        var endpoint = redis.GetEndpoint("tcp");
        return project
            .WithEnvironment("ConnectionStrings__redis", ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)}"))
            .WaitFor(redis);
    }

    /// <summary>
    /// Debian's PostgreSQL server as an executable resource (<see cref="PostgresCluster"/>): its cluster kept in
    /// <paramref name="directory"/> between runs, initdb'd on first use, on a loopback port, healthy once
    /// <c>pg_isready</c> says it accepts connections. The role's password is new every run and never written anywhere.
    /// </summary>
    public static IResourceBuilder<PortalPostgresResource> AddPostgresServer(
        this IDistributedApplicationBuilder builder, string name, int port, string directory)
    {
        var cluster = PostgresCluster.Locate(directory, port);
        var passwordValue = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var password = builder.AddParameter($"{name}-password", passwordValue, secret: true);

        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async ct =>
        {
            var (ready, status) = await cluster.IsReadyAsync(ct);
            return ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"pg_isready: {status}");
        });

        builder.Services.AddHostedService(_ => new PostgresShutdown(cluster));

        var (command, args) = cluster.ServerCommand();
        return builder.AddResource(new PortalPostgresResource(name, command, directory, password.Resource))
            .WithArgs(args)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: PortalPostgresResource.EndpointName, isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .OnBeforeResourceStarted((resource, started, ct) =>
                cluster.PrepareAsync(passwordValue, started.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource), ct));
    }

    private static async Task<HealthCheckResult> PingRedisAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("redis-server did not answer PONG");
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy("redis-server is not accepting connections yet", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "EmrPortal is ready: open {PortalUrl} and sign in {SignIn}")]
    private static partial void LogPortalReady(ILogger logger, string portalUrl, string signIn);
}
