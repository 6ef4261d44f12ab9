using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Bench.Profile;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Web;
using EdgeAccess.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Reference servers for finding where the unary time of our server goes, all on the same Kestrel
// h2c setup as the interop server (EdgeAccess.Grpc.Hosting: the same limits, h2c on localhost):
//
//   EdgeAccess.Bench.Profile --port=N --mode=bare|lean|interop [--logging=warning|none] [--grpc-web=true|false]
//                            [--alloc-sample=true]
//
//   bare     POST /grpc.testing.TestService/UnaryCall drains the request body and answers with the
//            bytes a gRPC server sends for the benchmark's SimpleRequest (response_size=10): HTTP 200,
//            content-type application/grpc, one 19-byte message, trailer grpc-status: 0. The HTTP/2
//            work of a unary call and nothing else: the framework ceiling.
//   lean     our gRPC layer hosted exactly as the interop server (gRPC-web middleware included), with
//            a TestService whose UnaryCall only builds the response, registered once in DI. The
//            difference to "interop" is the interop service's own work.
//   interop  the interop server itself (InteropServer.Build), in this process.
//
// --logging (bare and lean; default warning): "warning" registers the console logger at Warning,
// as the interop server does; "none" registers no logger. It matters: with any logger enabled for
// Microsoft.AspNetCore.Hosting.Diagnostics, ASP.NET Core starts an Activity and a logging scope per
// request. (For --mode=interop, set Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=None
// in the environment to the same effect.) --grpc-web=false (lean only) leaves out the gRPC-web and
// CORS middleware, which every request passes through otherwise. --flushes=1|2|3 (bare only,
// default 2) sets how many times the bare endpoint flushes a response: 1 = headers, message and
// trailers go out together when the request ends; 2 = the message is flushed, then the trailers;
// 3 = headers, message and trailers each flushed, which is what our layer does for a unary call
// (response.StartAsync, FlushAsync after the message, CompleteAsync).
//
// Every mode also answers GET /bench/stats with the process's allocated bytes, GC counts and CPU
// time, so a run of a known number of requests gives bytes and CPU per request. With
// --alloc-sample=true, an in-process EventListener samples allocations (the runtime's
// GCAllocationTick event: one sample per ~100 KB allocated, naming the type that crossed the mark),
// and GET /bench/allocs lists the sampled types by share of bytes: a sampling allocation profiler
// without dotnet-trace. It costs throughput, so it is off for timing runs.
var flags = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p[0][2..], p => p[1], StringComparer.Ordinal);
if (!flags.TryGetValue("port", out var portText) || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
{
    Console.Error.WriteLine("usage: EdgeAccess.Bench.Profile --port=N [--mode=bare|lean|interop]");
    return 2;
}

var mode = flags.GetValueOrDefault("mode", "bare");
var logging = flags.GetValueOrDefault("logging", "warning");
if (logging is not ("warning" or "none"))
{
    Console.Error.WriteLine($"unknown --logging={logging}");
    return 2;
}

using var sampler = flags.GetValueOrDefault("alloc-sample") == "true" ? new AllocationSampler() : null;
WebApplication app;
switch (mode)
{
    case "bare":
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
            ConfigureLogging(builder, logging);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.ApplyGrpcLimits();
                kestrel.ListenLocalhostGrpc(port);
            });
            app = builder.Build();
            var flushes = flags.GetValueOrDefault("flushes", "2");
            app.MapPost("/grpc.testing.TestService/UnaryCall", flushes switch
            {
                "1" => BareEndpoint.UnaryOneFlushAsync,
                "2" => BareEndpoint.UnaryAsync,
                "3" => BareEndpoint.UnaryThreeFlushesAsync,
                _ => throw new ArgumentException("--flushes must be 1, 2 or 3"),
            });
            break;
        }

    case "lean":
        {
            // The same host as InteropServer.Build, with LeanTestService in place of TestServiceImpl.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
            ConfigureLogging(builder, logging);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.ApplyGrpcLimits();
                kestrel.ListenLocalhostGrpc(port);
            });
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddEdgeAccessGrpc();
            var grpcWeb = flags.GetValueOrDefault("grpc-web", "true") == "true";
            if (grpcWeb)
            {
                builder.Services.AddEdgeAccessGrpcWeb();
            }

            builder.Services.AddSingleton<LeanTestService>();
            app = builder.Build();
            if (grpcWeb)
            {
                app.UseEdgeAccessGrpcWeb();
            }

            app.MapGrpcService<LeanTestService>();
            break;
        }

    case "interop":
        app = InteropServer.Build(port, null, []);
        break;

    default:
        Console.Error.WriteLine($"unknown --mode={mode}");
        return 2;
}

app.MapGet("/bench/stats", () =>
{
    using var process = Process.GetCurrentProcess();
    return Results.Text(string.Create(CultureInfo.InvariantCulture,
        $"allocated_bytes={GC.GetTotalAllocatedBytes(precise: true)} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} cpu_ms={process.TotalProcessorTime.TotalMilliseconds:F0} server_gc={System.Runtime.GCSettings.IsServerGC}\n"));
});
app.MapGet("/bench/allocs", () => Results.Text(sampler?.Report() ?? "allocation sampling is off (--alloc-sample=true)\n"));
await app.RunAsync();
return 0;

// As InteropServer.Build does it ("warning"), or no logger at all ("none").
static void ConfigureLogging(WebApplicationBuilder builder, string logging)
{
    builder.Logging.ClearProviders();
    if (logging == "warning")
    {
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    }
}

namespace EdgeAccess.Bench.Profile
{
    internal static class BareEndpoint
    {
        // 5-byte prefix (not compressed, length 14) + SimpleResponse { payload { body: 10 zero bytes } }.
        private static readonly byte[] UnaryResponse =
            [0x00, 0x00, 0x00, 0x00, 0x0E, 0x0A, 0x0C, 0x12, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        public static async Task UnaryAsync(HttpContext http)
        {
            await DrainAsync(http);
            http.Response.ContentType = "application/grpc";
            await http.Response.BodyWriter.WriteAsync(UnaryResponse, http.RequestAborted);
            http.Response.AppendTrailer("grpc-status", "0");
        }

        public static async Task UnaryOneFlushAsync(HttpContext http)
        {
            await DrainAsync(http);
            http.Response.ContentType = "application/grpc";
            http.Response.BodyWriter.Write(UnaryResponse);
            http.Response.AppendTrailer("grpc-status", "0");
        }

        public static async Task UnaryThreeFlushesAsync(HttpContext http)
        {
            await DrainAsync(http);
            http.Response.ContentType = "application/grpc";
            await http.Response.StartAsync(http.RequestAborted);
            await http.Response.BodyWriter.WriteAsync(UnaryResponse, http.RequestAborted);
            http.Response.AppendTrailer("grpc-status", "0");
            await http.Response.CompleteAsync();
        }

        // Drain the request body, as a gRPC server must before it can answer a unary call.
        private static async Task DrainAsync(HttpContext http)
        {
            var reader = http.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(http.RequestAborted);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    /// <summary>UnaryCall with no metadata echo, status or compression handling: just the response.</summary>
    internal sealed class LeanTestService : EdgeAccess.Interop.Testing.TestService.ServiceBase
    {
        public override Task<EdgeAccess.Interop.Testing.SimpleResponse> UnaryCall(
            EdgeAccess.Interop.Testing.SimpleRequest request, ServerCallContext context) =>
            Task.FromResult(new EdgeAccess.Interop.Testing.SimpleResponse
            {
                // As the interop service builds it: zeros of the requested size.
                Payload = new EdgeAccess.Interop.Testing.Payload
                {
                    Type = EdgeAccess.Interop.Testing.PayloadType.Compressable,
                    Body = Google.Protobuf.ByteString.CopyFrom(new byte[request.ResponseSize]),
                },
            });
    }

    /// <summary>Samples allocations by type from the runtime's GCAllocationTick events.</summary>
    internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                // Keyword 0x1 = GC; the allocation tick is a Verbose event.
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true ||
                eventData.PayloadNames is null || eventData.Payload is null)
            {
                return;
            }

            var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
            var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
            if (typeIndex < 0)
            {
                return;
            }

            var type = eventData.Payload[typeIndex] as string ?? "?";
            var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
            _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
        }

        public string Report()
        {
            var total = Math.Max(1, _bytes.Values.Sum());
            var lines = _bytes.OrderByDescending(p => p.Value).Take(40)
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{100.0 * p.Value / total,6:F1}%  {p.Key}"));
            return string.Join('\n', lines) + "\n";
        }
    }
}
