var builder = DistributedApplication.CreateBuilder(args);

var emulator = builder.AddProject<Projects.EmrPortal_Emulator>("emulator");
var proxy = builder.AddProject<Projects.EmrPortal_Proxy>("proxy").WithReference(emulator);
builder.AddProject<Projects.EmrPortal_Web>("web").WithReference(proxy);

builder.Build().Run();
