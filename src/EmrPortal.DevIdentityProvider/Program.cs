// A development identity provider: Microsoft Entra ID's v2.0 endpoints for the browser tests and the AppHost's
// --entra switch. Never deploy it (docs/decisions.md explains why it exists and how it is reached).
using EmrPortal.DevIdentityProvider;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddOptions<ProviderOptions>()
    .BindConfiguration(ProviderOptions.Section)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton<TokenSigner>();
builder.Services.AddSingleton<ProviderState>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<ConnectTunnel>();

if (builder.Configuration[$"{ProviderOptions.Section}:TlsDirectory"] is { Length: > 0 } tlsDirectory)
{
    var certificate = TlsMaterial.CreateServerCertificate(tlsDirectory);
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
}

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapEntraEndpoints();
app.MapAdminEndpoints();

app.Run();
