using EmrPortal.Emr.Diagnostics;
using EmrPortal.Proxy;
using EmrPortal.Proxy.Extensions;

var builder = WebApplication.CreateBuilder(args);
BuildTimeOpenApi.AddPlaceholderSettings(builder);
builder.AddServiceDefaults(ProxyTelemetry.ActivitySourceName, EmrTelemetry.ActivitySourceName);
builder.AddApplicationServices();
builder.AddPortalAuthentication();
builder.AddPerUserRateLimiting();
builder.AddProblemResponses();

var app = builder.Build();
app.UseProxyPipeline();
app.MapDefaultEndpoints();
app.MapProxyOpenApi();
app.MapProxyApi();
app.Run();
