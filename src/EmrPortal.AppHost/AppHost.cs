// One command runs the whole portal: emulator (seeded EMR API) → proxy (signed calls, demo key) → web (demo sign-in).
// `dotnet run --project src/EmrPortal.AppHost [-- --redis] [--postgres] [--entra]`; see docs/operations.md.
// --entra: the production sign-in (Microsoft.Identity.Web) against the development identity provider instead.
using EmrPortal.AppHost;

var useRedis = args.Contains(AppHostSettings.RedisSwitch, StringComparer.OrdinalIgnoreCase);
var usePostgres = args.Contains(AppHostSettings.PostgresSwitch, StringComparer.OrdinalIgnoreCase);
var useEntra = args.Contains(AppHostSettings.EntraSwitch, StringComparer.OrdinalIgnoreCase);
var builder = DistributedApplication.CreateBuilder(
    args.Where(a => !AppHostSettings.IsRedisSwitch(a) && !AppHostSettings.IsPostgresSwitch(a) && !AppHostSettings.IsEntraSwitch(a)).ToArray());
var settings = AppHostSettings.From(builder.Configuration, useRedis, usePostgres);

// Fixed ports are checked before anything starts: a second instance would otherwise report the first one's URL.
if (PortCheck.Taken(PortCheck.Planned(settings, builder.Configuration, useEntra)) is { Count: > 0 } taken)
{
    Console.Error.WriteLine(PortCheck.Explain(taken));
    return PortCheck.PortInUseExitCode;
}

// A fresh demo ES256 key pair per run: the web app signs demo user tokens, the proxy verifies them. Never on disk.
var demoKeys = DemoSigningKeys.Create();

var emulator = builder.AddProject<Projects.EmrPortal_Emulator>("emulator", launchProfileName: null)
    .WithPortalDefaults(settings.EmulatorPort);

var proxy = builder.AddProject<Projects.EmrPortal_Proxy>("proxy", launchProfileName: null)
    .WithPortalDefaults(settings.ProxyPort)
    .WithReference(emulator).WaitFor(emulator)
    .WithEmulatorAsCloud(emulator);

var web = builder.AddProject<Projects.EmrPortal_Web>("web", launchProfileName: null)
    .WithPortalDefaults(settings.WebPort)
    .WithReference(proxy).WaitFor(proxy)
    .WithEnvironment("Proxy__BaseUrl", proxy.GetEndpoint("http"))
    .WithUrlForEndpoint("http", url => url.DisplayText = "Portal")
    .PrintPortalUrlWhenReady(useEntra);

if (useEntra)
{
    var identity = builder.AddDevIdentityProvider(settings);
    proxy.WithLocalEntraApi(identity);
    web.WithLocalEntraWebApp(identity);
}
else
{
    proxy.WithEnvironment("Authentication__Mode", "Demo")
        .WithEnvironment("Authentication__Demo__PublicKeyPem", demoKeys.PublicKeyPem)
        .WithEnvironment("Access__Workspaces__w-analytics__0", "grp-analytics")
        // The demo users' cloud identities ("my sessions"); not in the proxy's base settings, which production uses.
        .WithEnvironment("Identity__CloudUsers__viewer__0", "emma.schmidt")
        .WithEnvironment("Identity__CloudUsers__admin__0", "alice.chen");
    web.WithEnvironment("Authentication__Mode", "Demo")
        .WithEnvironment("Authentication__Demo__PrivateKeyPem", demoKeys.PrivateKeyPem);
}

if (settings.UseRedis)
{
    // Debian's redis-server as a plain process (AddRedis would need a container runtime).
    var redis = builder.AddRedisServer("redis", settings.RedisPort);
    proxy.WithRedis(redis);
    web.WithRedis(redis);
}

if (settings.HasPortalDbConnectionString)
{
    // Bring your own portal database (ConnectionStrings:portaldb in user secrets or env): forwarded as is, nothing started.
    proxy.WithReference(builder.AddConnectionString(AppHostSettings.PortalDbConnectionName));
}
else if (settings.UsePostgres)
{
    // Debian's PostgreSQL server as a plain process (AddPostgres would need a container runtime). Without either, the
    // proxy keeps its default SQLite file.
    var postgres = builder.AddPostgresServer("postgres", settings.PostgresPort, settings.PostgresDirectory);
    proxy.WithReference(postgres, AppHostSettings.PortalDbConnectionName).WaitFor(postgres);
}

builder.Build().Run();
return 0;
