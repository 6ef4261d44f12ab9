using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>
/// Builds the request delegate of each method shape: reads the request(s), runs the interceptor
/// pipeline and the service method, writes the response(s).
/// </summary>
internal static class ServerCallHandlers
{
    public static RequestDelegate Unary<TRequest, TResponse>(
        ServerCallRunner runner, Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> pipeline)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        http => runner.RunAsync(http, method, async call =>
        {
            var request = await call.ReadSingleMessageAsync(method.RequestParser).ConfigureAwait(false);
            var response = await pipeline(request, call).ConfigureAwait(false);
            await WriteSingleResponseAsync(call, response).ConfigureAwait(false);
        });

    public static RequestDelegate ClientStreaming<TRequest, TResponse>(
        ServerCallRunner runner, Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> pipeline)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        http => runner.RunAsync(http, method, async call =>
        {
            var reader = new HttpServerCall.RequestStreamReader<TRequest>(call, method.RequestParser);
            var response = await pipeline(reader, call).ConfigureAwait(false);
            await WriteSingleResponseAsync(call, response).ConfigureAwait(false);
        });

    public static RequestDelegate ServerStreaming<TRequest, TResponse>(
        ServerCallRunner runner, Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> pipeline)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        http => runner.RunAsync(http, method, async call =>
        {
            var request = await call.ReadSingleMessageAsync(method.RequestParser).ConfigureAwait(false);
            await pipeline(request, new ResponseStreamWriter<TResponse>(call), call).ConfigureAwait(false);
        });

    public static RequestDelegate DuplexStreaming<TRequest, TResponse>(
        ServerCallRunner runner, Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> pipeline)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        http => runner.RunAsync(http, method, async call =>
        {
            var reader = new HttpServerCall.RequestStreamReader<TRequest>(call, method.RequestParser);
            await pipeline(reader, new ResponseStreamWriter<TResponse>(call), call).ConfigureAwait(false);
        });

    private static Task WriteSingleResponseAsync<TResponse>(HttpServerCall call, TResponse? response)
        where TResponse : class, IMessage<TResponse>
    {
        if (call.Status.StatusCode != StatusCode.OK)
        {
            // The handler chose a failure status: no message goes with it.
            return Task.CompletedTask;
        }

        return response is null
            ? throw new RpcException(new Status(StatusCode.Internal, "The handler returned no response message."))
            : call.WriteMessageAsync(response, null, call.CancellationToken);
    }

    private sealed class ResponseStreamWriter<T>(HttpServerCall call) : IServerStreamWriter<T>
        where T : class, IMessage<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
            call.WriteMessageAsync(message, WriteOptions, cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
    }
}
