using System.Net;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;
using EdgeAccess.Interop.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>How the server answers requests it cannot serve (PROTOCOL-HTTP2).</summary>
public sealed class ProtocolErrorTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private GrpcTestServer Server => fixture.Server;

    // Trailers-Only: with no message to send, the status goes in the one HEADERS frame.
    [Theory]
    [InlineData("/grpc.testing.TestService/NoSuchMethod", "Method /grpc.testing.TestService/NoSuchMethod is unimplemented.")]
    [InlineData("/no.such.Service/Call", "Service no.such.Service is unimplemented.")]
    [InlineData("/grpc.testing.TestService/UnimplementedCall", null)]
    public async Task Call_UnknownMethodOrService_UnimplementedInHeaders(string path, string? message)
    {
        using var client = Server.CreateRawClient();

        var response = await RawGrpc.SendAsync(client, RawGrpc.Request(path, new Empty()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", response.Header("grpc-status"));
        Assert.Null(response.Trailer("grpc-status"));
        Assert.Empty(response.Body);
        if (message is not null)
        {
            Assert.Equal(message, response.Header("grpc-message"));
        }
    }

    [Fact]
    public async Task UnaryCall_JsonContentType_Http415()
    {
        using var client = Server.CreateRawClient();

        var response = await RawGrpc.SendAsync(client, RawGrpc.Request("/grpc.testing.TestService/UnaryCall", new StringContent("{}"), "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_NativeGrpcOverHttp11_Http426()
    {
        using var client = Server.CreateRawClient(http2: false);

        var response = await RawGrpc.SendAsync(client, RawGrpc.Request("/grpc.testing.TestService/UnaryCall", new SimpleRequest(), http2: false));

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_RequestOverMaxReceiveMessageSize_ResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(options => options.MaxReceiveMessageSize = 1024);
        using var channel = server.CreateChannel();
        var request = new SimpleRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[2048]) } };

        var failure = await Assert.ThrowsAsync<RpcException>(() => new TestService.Client(channel).UnaryCallAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
    }

    [Fact]
    public async Task Fail_HandlerThrows_InternalWithoutDetailAndLogged()
    {
        using var channel = Server.CreateChannel();

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            new ProbeService.Client(channel).FailAsync(new ProbeRequest { Text = "secret-detail" }).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.DoesNotContain("secret-detail", failure.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-detail", failure.Message, StringComparison.Ordinal);
        Assert.Contains(Server.Logs.Entries, e =>
            e.Level == LogLevel.Error && e.Exception is InvalidOperationException { Message: "secret-detail" });
    }
}
