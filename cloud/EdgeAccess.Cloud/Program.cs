using EdgeAccess.Cloud;
using EdgeAccess.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddEdgeAccessServiceDefaults("cloud", builder.Configuration["EdgeAccess:InstanceId"] ?? "hub", "edgeaccess-cloud", CloudTelemetry.Name);
builder.AddEdgeAccessCloud();

var app = builder.Build();
app.MapEdgeAccessServiceDefaults();
app.MapEdgeAccessCloud();
app.Run();
