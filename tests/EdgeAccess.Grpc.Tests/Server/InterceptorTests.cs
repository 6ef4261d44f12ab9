using EdgeAccess.Grpc.Interceptors;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>Server interceptors: run in the order added, outermost first, and may end a call before the handler.</summary>
public sealed class InterceptorTests
{
    [Fact]
    public async Task Echo_TwoInterceptors_RunNestedAroundHandler()
    {
        var probe = new ProbeState();
        await using var server = await GrpcTestServer.StartAsync(options =>
        {
            options.Interceptors.Add(new RecordingInterceptor("a", probe));
            options.Interceptors.Add(new RecordingInterceptor("b", probe));
        }, probe);
        using var channel = server.CreateChannel();

        await new ProbeService.Client(channel).EchoAsync(new ProbeRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(["a-before", "b-before", "handler", "b-after", "a-after"], probe.Events);
    }

    [Fact]
    public async Task Echo_AuthInterceptorWithoutToken_UnauthenticatedAndHandlerNotCalled()
    {
        var probe = new ProbeState();
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(new AuthInterceptor()), probe);
        using var channel = server.CreateChannel();
        var client = new ProbeService.Client(channel);

        var failure = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new ProbeRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
        Assert.Equal(0, probe.HandlerCalls);

        // With the token the same call goes through to the handler.
        await client.EchoAsync(new ProbeRequest(), new Metadata { { "authorization", "Bearer good" } }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(1, probe.HandlerCalls);
    }

    private sealed class RecordingInterceptor(string name, ProbeState probe) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            probe.Events.Enqueue(name + "-before");
            var response = await continuation(request, context);
            probe.Events.Enqueue(name + "-after");
            return response;
        }
    }

    private sealed class AuthInterceptor : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
            context.RequestHeaders.GetValue("authorization") == "Bearer good"
                ? continuation(request, context)
                : throw new RpcException(new Status(StatusCode.Unauthenticated, "A bearer token is required."));
    }
}
