using System.Collections.Concurrent;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Interceptors;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;

namespace EdgeAccess.Grpc.Tests.Client;

/// <summary>Client interceptors see every call and may change its options, e.g. add metadata.</summary>
public sealed class ClientInterceptorTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public async Task Echo_InterceptorAddsMetadata_ServerObservesIt()
    {
        using var channel = fixture.Server.CreateChannel();
        var interceptor = new HeaderInterceptor();
        var client = new ProbeService.Client(channel.CreateCallInvoker().Intercept(interceptor));

        var reply = await client.EchoAsync(new ProbeRequest(), new Metadata { { "x-own", "1" } }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(["/edgeaccess.tests.ProbeService/Echo"], interceptor.Seen);
        Assert.Contains("x-added-by-interceptor=yes", reply.Metadata);
        Assert.Contains("x-own=1", reply.Metadata);
    }

    private sealed class HeaderInterceptor : Interceptor
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            Func<TRequest, ClientInterceptorContext<TRequest, TResponse>, AsyncUnaryCall<TResponse>> continuation)
        {
            Seen.Enqueue(context.Method.FullName);
            var headers = new Metadata();
            foreach (var entry in context.Options.Headers ?? [])
            {
                headers.Add(entry);
            }

            headers.Add("x-added-by-interceptor", "yes");
            return continuation(request, context with { Options = context.Options with { Headers = headers } });
        }
    }
}
