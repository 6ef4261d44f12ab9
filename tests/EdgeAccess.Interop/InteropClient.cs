using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Interop.Testing;
using Google.Protobuf;

namespace EdgeAccess.Interop;

/// <summary>
/// The standard interop client cases (doc/interop-test-descriptions.md, "Client"), each checking
/// exactly what the description asks of it. A failed check throws <see cref="InteropException"/>.
/// </summary>
public sealed class InteropClient(GrpcChannel channel, TimeProvider time)
{
    private static readonly int[] RequestSizes = [27182, 8, 1828, 45904];
    private static readonly int[] ResponseSizes = [31415, 9, 2653, 58979];

    private readonly TestService.Client _client = new(channel);

    /// <summary>The case names, with the spelling other interop tools use.</summary>
    public static IReadOnlyList<string> Cases { get; } =
    [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
        "client_compressed_unary", "server_compressed_unary", "client_compressed_streaming", "server_compressed_streaming",
    ];

    private DateTime Deadline(int seconds = 30) => time.GetUtcNow().UtcDateTime.AddSeconds(seconds);

    public Task RunAsync(string testCase) => testCase switch
    {
        "empty_unary" => EmptyUnaryAsync(),
        "large_unary" => LargeUnaryAsync(),
        "client_streaming" => ClientStreamingAsync(),
        "server_streaming" => ServerStreamingAsync(),
        "ping_pong" => PingPongAsync(),
        "empty_stream" => EmptyStreamAsync(),
        "custom_metadata" => CustomMetadataAsync(),
        "status_code_and_message" => StatusCodeAndMessageAsync(),
        "special_status_message" => SpecialStatusMessageAsync(),
        "unimplemented_method" => UnimplementedMethodAsync(),
        "unimplemented_service" => UnimplementedServiceAsync(),
        "cancel_after_begin" => CancelAfterBeginAsync(),
        "cancel_after_first_response" => CancelAfterFirstResponseAsync(),
        "timeout_on_sleeping_server" => TimeoutOnSleepingServerAsync(),
        "client_compressed_unary" => ClientCompressedUnaryAsync(),
        "server_compressed_unary" => ServerCompressedUnaryAsync(),
        "client_compressed_streaming" => ClientCompressedStreamingAsync(),
        "server_compressed_streaming" => ServerCompressedStreamingAsync(),
        _ => throw new ArgumentException($"Unknown test case '{testCase}'. Known: {string.Join(", ", Cases)}"),
    };

    private async Task EmptyUnaryAsync()
    {
        var response = await _client.EmptyCallAsync(new Empty(), deadline: Deadline());
        Check(response is not null, "EmptyCall returned no message");
    }

    private async Task LargeUnaryAsync()
    {
        var response = await _client.UnaryCallAsync(LargeRequest(), deadline: Deadline());
        CheckPayload(response.Payload, 314159);
    }

    private async Task ClientStreamingAsync()
    {
        using var call = _client.StreamingInputCall(deadline: Deadline());
        foreach (var size in RequestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = TestServiceImpl.CreatePayload(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        Check(response.AggregatedPayloadSize == 74922, $"aggregated size {response.AggregatedPayloadSize}, expected 74922");
    }

    private async Task ServerStreamingAsync()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(ResponseSizes.Select(s => new ResponseParameters { Size = s }));
        using var call = _client.StreamingOutputCall(request, deadline: Deadline());
        var received = new List<int>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            CheckPayload(response.Payload, ResponseSizes[Math.Min(received.Count, ResponseSizes.Length - 1)]);
            received.Add(response.Payload.Body.Length);
        }

        Check(received.SequenceEqual(ResponseSizes), $"received sizes {string.Join(",", received)}");
        Check(call.GetStatus().StatusCode == StatusCode.OK, $"status {call.GetStatus()}");
    }

    private async Task PingPongAsync()
    {
        using var call = _client.FullDuplexCall(deadline: Deadline());
        for (var i = 0; i < RequestSizes.Length; i++)
        {
            await call.RequestStream.WriteAsync(StreamingRequest(ResponseSizes[i], RequestSizes[i]));
            Check(await call.ResponseStream.MoveNext(), $"no response {i}");
            CheckPayload(call.ResponseStream.Current.Payload, ResponseSizes[i]);
        }

        await call.RequestStream.CompleteAsync();
        Check(!await call.ResponseStream.MoveNext(), "more responses than requests");
    }

    private async Task EmptyStreamAsync()
    {
        using var call = _client.FullDuplexCall(deadline: Deadline());
        await call.RequestStream.CompleteAsync();
        Check(!await call.ResponseStream.MoveNext(), "a response to an empty stream");
    }

    private async Task CustomMetadataAsync()
    {
        const string initialKey = "x-grpc-test-echo-initial";
        const string initialValue = "test_initial_metadata_value";
        const string trailingKey = "x-grpc-test-echo-trailing-bin";
        byte[] trailingValue = [0xAB, 0xAB, 0xAB];
        var headers = new Metadata { { initialKey, initialValue }, { trailingKey, trailingValue } };

        using (var unary = _client.UnaryCallAsync(LargeRequest(), headers, Deadline()))
        {
            CheckPayload((await unary).Payload, 314159);
            Check((await unary.ResponseHeadersAsync).GetValue(initialKey) == initialValue, "unary: initial metadata not echoed");
            Check(unary.GetTrailers().GetValueBytes(trailingKey)?.SequenceEqual(trailingValue) == true, "unary: trailing metadata not echoed");
        }

        using var duplex = _client.FullDuplexCall(headers, Deadline());
        await duplex.RequestStream.WriteAsync(StreamingRequest(314159, 271828));
        await duplex.RequestStream.CompleteAsync();
        Check(await duplex.ResponseStream.MoveNext(), "duplex: no response");
        CheckPayload(duplex.ResponseStream.Current.Payload, 314159);
        Check(!await duplex.ResponseStream.MoveNext(), "duplex: extra response");
        Check((await duplex.ResponseHeadersAsync).GetValue(initialKey) == initialValue, "duplex: initial metadata not echoed");
        Check(duplex.GetTrailers().GetValueBytes(trailingKey)?.SequenceEqual(trailingValue) == true, "duplex: trailing metadata not echoed");
    }

    private async Task StatusCodeAndMessageAsync()
    {
        const string message = "test status message";
        var echo = new EchoStatus { Code = 2, Message = message };
        var unary = await ExpectFailureAsync(() => _client.UnaryCallAsync(new SimpleRequest { ResponseStatus = echo }, deadline: Deadline()).ResponseAsync);
        CheckStatus(unary, StatusCode.Unknown, message);

        using var duplex = _client.FullDuplexCall(deadline: Deadline());
        await duplex.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = echo });
        await duplex.RequestStream.CompleteAsync();
        var streamed = await ExpectFailureAsync(() => duplex.ResponseStream.MoveNext());
        CheckStatus(streamed, StatusCode.Unknown, message);
    }

    private async Task SpecialStatusMessageAsync()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = message } };
        var failure = await ExpectFailureAsync(() => _client.UnaryCallAsync(request, deadline: Deadline()).ResponseAsync);
        CheckStatus(failure, StatusCode.Unknown, message);
    }

    private async Task UnimplementedMethodAsync()
    {
        var failure = await ExpectFailureAsync(() => _client.UnimplementedCallAsync(new Empty(), deadline: Deadline()).ResponseAsync);
        CheckStatus(failure, StatusCode.Unimplemented, null);
    }

    private async Task UnimplementedServiceAsync()
    {
        var client = new UnimplementedService.Client(channel);
        var failure = await ExpectFailureAsync(() => client.UnimplementedCallAsync(new Empty(), deadline: Deadline()).ResponseAsync);
        CheckStatus(failure, StatusCode.Unimplemented, null);
    }

    private async Task CancelAfterBeginAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.StreamingInputCall(deadline: Deadline(), cancellationToken: cts.Token);
        await cts.CancelAsync();
        var failure = await ExpectFailureAsync(() => call.ResponseAsync);
        CheckStatus(failure, StatusCode.Cancelled, null);
    }

    private async Task CancelAfterFirstResponseAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.FullDuplexCall(deadline: Deadline(), cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(StreamingRequest(31415, 27182));
        Check(await call.ResponseStream.MoveNext(), "no first response");
        CheckPayload(call.ResponseStream.Current.Payload, 31415);
        await cts.CancelAsync();
        var failure = await ExpectFailureAsync(() => call.ResponseStream.MoveNext());
        CheckStatus(failure, StatusCode.Cancelled, null);
    }

    private async Task TimeoutOnSleepingServerAsync()
    {
        using var call = _client.FullDuplexCall(deadline: time.GetUtcNow().UtcDateTime.AddMilliseconds(1));
        try
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = TestServiceImpl.CreatePayload(27182) });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            // The description allows the write itself to fail once the deadline has passed.
        }

        var failure = await ExpectFailureAsync(() => call.ResponseStream.MoveNext());
        CheckStatus(failure, StatusCode.DeadlineExceeded, null);
    }

    private async Task ClientCompressedUnaryAsync()
    {
        // Probe: the server must notice an uncompressed request that claims otherwise.
        var probe = LargeRequest();
        probe.ExpectCompressed = new BoolValue { Value = true };
        var failure = await ExpectFailureAsync(() => _client.UnaryCallAsync(probe, deadline: Deadline()).ResponseAsync);
        CheckStatus(failure, StatusCode.InvalidArgument, null);

        var compressed = LargeRequest();
        compressed.ExpectCompressed = new BoolValue { Value = true };
        CheckPayload((await _client.UnaryCallAsync(compressed, new CallOptions(Deadline: Deadline(), RequestCompression: "gzip"))).Payload, 314159);

        var plain = LargeRequest();
        plain.ExpectCompressed = new BoolValue { Value = false };
        CheckPayload((await _client.UnaryCallAsync(plain, deadline: Deadline())).Payload, 314159);
    }

    // The description asks the client to check the compressed flag of each response message.
    private async Task ServerCompressedUnaryAsync()
    {
        foreach (var compress in new[] { true, false })
        {
            var request = LargeRequest();
            request.ResponseCompressed = new BoolValue { Value = compress };
            using var call = _client.UnaryCallAsync(request, deadline: Deadline());
            CheckPayload((await call).Payload, 314159);
            Check(call.LastResponseCompressed == compress, $"response compressed flag {call.LastResponseCompressed}, expected {compress}");
        }
    }

    private async Task ClientCompressedStreamingAsync()
    {
        using (var probe = _client.StreamingInputCall(deadline: Deadline()))
        {
            await probe.RequestStream.WriteAsync(new StreamingInputCallRequest
            {
                ExpectCompressed = new BoolValue { Value = true },
                Payload = TestServiceImpl.CreatePayload(27182),
            });
            await probe.RequestStream.CompleteAsync();
            CheckStatus(await ExpectFailureAsync(() => probe.ResponseAsync), StatusCode.InvalidArgument, null);
        }

        using var call = _client.StreamingInputCall(new CallOptions(Deadline: Deadline(), RequestCompression: "gzip"));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest
        {
            ExpectCompressed = new BoolValue { Value = true },
            Payload = TestServiceImpl.CreatePayload(27182),
        });
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest
        {
            ExpectCompressed = new BoolValue { Value = false },
            Payload = TestServiceImpl.CreatePayload(45904),
        });
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        Check(response.AggregatedPayloadSize == 73086, $"aggregated size {response.AggregatedPayloadSize}, expected 73086");
    }

    private async Task ServerCompressedStreamingAsync()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } });
        request.ResponseParameters.Add(new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } });
        using var call = _client.StreamingOutputCall(request, deadline: Deadline());
        Check(await call.ResponseStream.MoveNext(), "no first response");
        CheckPayload(call.ResponseStream.Current.Payload, 31415);
        Check(call.LastResponseCompressed, "first response was not compressed");
        Check(await call.ResponseStream.MoveNext(), "no second response");
        CheckPayload(call.ResponseStream.Current.Payload, 92653);
        Check(!call.LastResponseCompressed, "second response was compressed");
        Check(!await call.ResponseStream.MoveNext(), "extra response");
    }

    private static SimpleRequest LargeRequest() =>
        new() { ResponseSize = 314159, Payload = TestServiceImpl.CreatePayload(271828) };

    private static StreamingOutputCallRequest StreamingRequest(int responseSize, int payloadSize)
    {
        var request = new StreamingOutputCallRequest { Payload = TestServiceImpl.CreatePayload(payloadSize) };
        request.ResponseParameters.Add(new ResponseParameters { Size = responseSize });
        return request;
    }

    private static async Task<RpcException> ExpectFailureAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            return ex;
        }

        throw new InteropException("the call succeeded but was expected to fail");
    }

    private static void CheckStatus(RpcException failure, StatusCode code, string? message)
    {
        Check(failure.StatusCode == code, $"status {failure.StatusCode}, expected {code} ({failure.Status.Detail})");
        Check(message is null || failure.Status.Detail == message,
            $"status message {Escape(failure.Status.Detail)}, expected {Escape(message!)}");
    }

    private static void CheckPayload(Payload? payload, int size)
    {
        Check(payload is not null, "response has no payload");
        Check(payload!.Body.Length == size, $"payload of {payload.Body.Length} bytes, expected {size}");
        Check(payload.Body.Span.IndexOfAnyExcept((byte)0) < 0, "payload is not all zeros");
    }

    private static string Escape(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InteropException(failure);
        }
    }
}

/// <summary>An interop check failed.</summary>
public sealed class InteropException(string message) : Exception(message);
