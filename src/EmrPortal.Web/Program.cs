using EmrPortal.Web.Components;
using EmrPortal.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UsePortalPipeline();

app.MapStaticAssets().AllowAnonymous();
app.MapDefaultEndpoints();
app.MapAuthenticationEndpoints();
app.MapExportEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
