using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Server;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Interceptors;

/// <summary>
/// Wraps calls on the server or the client side: authentication, logging, metrics, validation. Each
/// method receives the call and a continuation; the default passes the call on untouched.
/// Interceptors run in the order they were added.
/// </summary>
public abstract class Interceptor
{
    /// <summary>Intercepts an incoming unary call.</summary>
    public virtual Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(request, context);

    /// <summary>Intercepts an incoming client-streaming call.</summary>
    public virtual Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(requestStream, context);

    /// <summary>Intercepts an incoming server-streaming call.</summary>
    public virtual Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(request, responseStream, context);

    /// <summary>Intercepts an incoming duplex-streaming call.</summary>
    public virtual Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(requestStream, responseStream, context);

    /// <summary>Intercepts an outgoing unary call.</summary>
    public virtual AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, Func<TRequest, ClientInterceptorContext<TRequest, TResponse>, AsyncUnaryCall<TResponse>> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(request, context);

    /// <summary>Intercepts an outgoing server-streaming call.</summary>
    public virtual AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, Func<TRequest, ClientInterceptorContext<TRequest, TResponse>, AsyncServerStreamingCall<TResponse>> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(request, context);

    /// <summary>Intercepts an outgoing client-streaming call.</summary>
    public virtual AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, Func<ClientInterceptorContext<TRequest, TResponse>, AsyncClientStreamingCall<TRequest, TResponse>> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(context);

    /// <summary>Intercepts an outgoing duplex-streaming call.</summary>
    public virtual AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, Func<ClientInterceptorContext<TRequest, TResponse>, AsyncDuplexStreamingCall<TRequest, TResponse>> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        continuation(context);
}
