using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Bench.Streaming;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Interop.Testing;

// Server-streaming throughput client: opens --calls concurrent StreamingOutputCall calls, each asking
// for --messages responses of --size bytes, counts the messages received and prints messages/s.
//
//   EdgeAccess.Bench.Streaming --target=http://127.0.0.1:N [--calls=16] [--messages=100000] [--size=10]
//                              [--connections=1] [--time-limit=20] [--warmup-messages=5000]
//
// Everything is bounded: each phase stops after --time-limit seconds even when the server is slower
// than the requested count (the calls are then cancelled and the messages received so far count).
// The last line printed is machine-readable:
//   RESULT messages=N seconds=S msgs_per_s=R calls_ok=C calls_cut=X complete=true|false
// Exit status: 0 when every call either ended OK with exactly --messages messages or was cut by the
// time limit after receiving only well-formed messages; 1 on any wrong message or non-OK status.
var options = BenchOptions.Parse(args);
var handlers = Enumerable.Range(0, options.Connections)
    .Select(_ => new SocketsHttpHandler
    {
        // One connection per handler, so --connections really is the number of connections.
        EnableMultipleHttp2Connections = false,
        // A bigger initial stream window than HttpClient's 64 KiB, so flow control does not make a
        // fast server wait for WINDOW_UPDATEs (the servers' own windows are 64 KiB to 1 MiB).
        InitialHttp2StreamWindowSize = options.StreamWindow,
        UseProxy = false,
        UseCookies = false,
    })
    .ToArray();
var channels = handlers.Select(h => GrpcChannel.ForAddress(options.Target, new GrpcChannelOptions { HttpHandler = h })).ToArray();
try
{
    // Warm-up: JIT, connection setup and the servers' own warm-up (V8, CPython caches), not counted.
    var warmup = await StreamingRun.RunAsync(channels, options.Calls, options.WarmupMessages, options.Size, options.TimeLimit);
    if (!warmup.Ok)
    {
        Console.Error.WriteLine($"warm-up failed: {warmup.Failure}");
        return 1;
    }

    var result = await StreamingRun.RunAsync(channels, options.Calls, options.Messages, options.Size, options.TimeLimit);
    if (!result.Ok)
    {
        Console.Error.WriteLine($"run failed: {result.Failure}");
        return 1;
    }

    var rate = result.Messages / result.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT messages={result.Messages} seconds={result.Elapsed.TotalSeconds:F3} msgs_per_s={rate:F0} calls_ok={result.CallsOk} calls_cut={result.CallsCut} complete={(result.CallsCut == 0 ? "true" : "false")}"));
    return 0;
}
finally
{
    foreach (var channel in channels)
    {
        channel.Dispose();
    }

    // A channel does not dispose a handler it was given.
    foreach (var handler in handlers)
    {
        handler.Dispose();
    }
}

namespace EdgeAccess.Bench.Streaming
{
    /// <summary>Command-line options, in the <c>--name=value</c> form of the interop programs.</summary>
    internal sealed record BenchOptions(string Target, int Calls, int Messages, int Size, int Connections, TimeSpan TimeLimit, int WarmupMessages, int StreamWindow)
    {
        public static BenchOptions Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var arg in args)
            {
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                if (!arg.StartsWith("--", StringComparison.Ordinal) || equals < 0)
                {
                    throw new ArgumentException($"Unexpected argument '{arg}': flags look like --name=value.");
                }

                values[arg[2..equals]] = arg[(equals + 1)..];
            }

            int Int(string name, int fallback, int min, int max)
            {
                if (!values.TryGetValue(name, out var raw))
                {
                    return fallback;
                }

                return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                    ? value
                    : throw new ArgumentException($"--{name} must be an integer in [{min}, {max}].");
            }

            var target = values.TryGetValue("target", out var t) ? t : throw new ArgumentException("--target is required.");
            return new BenchOptions(
                target,
                Calls: Int("calls", 16, 1, 100),
                Messages: Int("messages", 100_000, 1, 1_000_000),
                Size: Int("size", 10, 0, 1024 * 1024),
                Connections: Int("connections", 1, 1, 16),
                TimeLimit: TimeSpan.FromSeconds(Int("time-limit", 20, 1, 600)),
                WarmupMessages: Int("warmup-messages", 5_000, 1, 1_000_000),
                StreamWindow: Int("stream-window", 1024 * 1024, 65_535, 16 * 1024 * 1024));
        }
    }

    /// <summary>The outcome of one phase.</summary>
    internal sealed record RunResult(long Messages, TimeSpan Elapsed, int CallsOk, int CallsCut, string? Failure)
    {
        public bool Ok => Failure is null;
    }

    /// <summary>One measured phase: all calls start together; the clock stops when the last one ends or at the time limit.</summary>
    internal static class StreamingRun
    {
        public static async Task<RunResult> RunAsync(GrpcChannel[] channels, int calls, int messages, int size, TimeSpan timeLimit)
        {
            var request = new StreamingOutputCallRequest { ResponseType = PayloadType.Compressable };
            for (var i = 0; i < messages; i++)
            {
                request.ResponseParameters.Add(new ResponseParameters { Size = size });
            }

            // The time limit cancels every call still running; a short grace on the deadline lets the
            // cancellation, not the deadline, end them, so a cut call is told apart from a failure.
            using var limit = new CancellationTokenSource(timeLimit);
            var deadline = TimeProvider.System.GetUtcNow().UtcDateTime + timeLimit + TimeSpan.FromSeconds(5);
            var clients = channels.Select(c => new TestService.Client(c)).ToArray();
            var stopwatch = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, calls)
                .Select(i => Task.Run(() => ReadCallAsync(clients[i % clients.Length], request, messages, size, deadline, limit.Token)))
                .ToArray();
            var outcomes = await Task.WhenAll(tasks);
            var elapsed = stopwatch.Elapsed;

            var failure = outcomes.Select(o => o.Failure).FirstOrDefault(f => f is not null);
            return new RunResult(
                outcomes.Sum(o => o.Received),
                elapsed,
                outcomes.Count(o => o.Failure is null && !o.Cut),
                outcomes.Count(o => o.Failure is null && o.Cut),
                failure);
        }

        private static async Task<(long Received, bool Cut, string? Failure)> ReadCallAsync(
            TestService.Client client, StreamingOutputCallRequest request, int expected, int size, DateTime deadline, CancellationToken limit)
        {
            long received = 0;
            try
            {
                using var call = client.StreamingOutputCall(request, deadline: deadline, cancellationToken: limit);
                var stream = call.ResponseStream;
                while (await stream.MoveNext(CancellationToken.None))
                {
                    // A cheap check that each message is the one asked for; the body is not scanned.
                    if (stream.Current.Payload?.Body.Length != size)
                    {
                        return (received, false, $"message {received} has a payload of {stream.Current.Payload?.Body.Length} bytes, expected {size}");
                    }

                    received++;
                }

                return received == expected
                    ? (received, false, null)
                    : (received, false, $"the call ended OK after {received} of {expected} messages");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && limit.IsCancellationRequested)
            {
                return (received, true, null);
            }
            catch (RpcException ex)
            {
                return (received, false, $"status {ex.StatusCode}: {ex.Status.Detail}");
            }
        }
    }
}
