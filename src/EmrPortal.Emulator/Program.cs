using EmrPortal.Emulator.Apis;
using EmrPortal.Emulator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEmulatorServices();

var app = builder.Build();

app.UseRouting();
app.UseAcsGateway();

app.MapDefaultEndpoints();
app.MapAdminApi();
app.MapEmrServerlessSparkApi();

app.Run();
