using EdgeAccess.Grpc.Client;
using EdgeAccess.Interop;

// Usage (flag spellings of the standard gRPC interop programs):
//   server --port=N --use_tls=false [--web_port=M] [--cors_origin=http://host:port ...]
//   client --server_host=H --server_port=N --test_case=NAME --use_tls=false
if (args.Length == 0 || args[0] is not ("server" or "client"))
{
    Console.Error.WriteLine("usage: EdgeAccess.Interop server --port=N [--web_port=M] [--cors_origin=O] | client --server_host=H --server_port=N --test_case=NAME");
    return 2;
}

var flags = InteropFlags.Parse(args.AsSpan(1));
if (flags.Get("use_tls") is "true")
{
    Console.Error.WriteLine("--use_tls=true is not supported by this interop program; run it over h2c.");
    return 2;
}

if (args[0] == "server")
{
    var app = InteropServer.Build(flags.GetInt("port"), flags.Get("web_port") is { } web ? int.Parse(web, System.Globalization.CultureInfo.InvariantCulture) : null, flags.GetAll("cors_origin"));
    await app.RunAsync();
    return 0;
}

var testCase = flags.Get("test_case") ?? throw new ArgumentException("--test_case is required");
using var channel = GrpcChannel.ForAddress($"http://{flags.Get("server_host") ?? "127.0.0.1"}:{flags.GetInt("server_port")}");
var client = new InteropClient(channel, TimeProvider.System);
try
{
    await client.RunAsync(testCase).WaitAsync(TimeSpan.FromSeconds(60));
    Console.WriteLine($"{testCase}: passed");
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"{testCase}: FAILED: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
