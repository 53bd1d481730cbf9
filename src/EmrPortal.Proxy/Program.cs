using EmrPortal.Proxy.Apis;
using EmrPortal.Proxy.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddPortalAuthentication();
builder.AddPerUserRateLimiting();
builder.AddProblemResponses();

var app = builder.Build();
app.UseProxyPipeline();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapMeApi();
app.MapWorkspacesApi();
app.MapSessionsApi();
app.MapInsightsApi();
app.MapViewsApi();
app.MapAuditApi();
app.MapSessionActionsApi();
app.Run();
