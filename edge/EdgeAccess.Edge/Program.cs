using EdgeAccess.Edge;
using EdgeAccess.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddEdgeAccessServiceDefaults("edge", builder.Configuration["EdgeAccess:Edge:NodeId"] ?? "edge", "edgeaccess-edge", EdgeTelemetry.Name);
builder.AddEdgeAccessEdge();

var app = builder.Build();
app.MapEdgeAccessServiceDefaults();
app.MapEdgeAccessEdge();
app.Run();
