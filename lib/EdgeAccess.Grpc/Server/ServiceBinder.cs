using Google.Protobuf;

namespace EdgeAccess.Grpc.Server;

/// <summary>
/// Receives the methods of a service from generated code. Each handler takes the service instance
/// that serves the call (created per call) and the call's arguments.
/// </summary>
/// <typeparam name="TService">The generated service base class.</typeparam>
public abstract class ServiceBinder<TService>
    where TService : class
{
    /// <summary>Binds a unary method.</summary>
    public abstract void AddUnary<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Binds a client-streaming method.</summary>
    public abstract void AddClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Binds a server-streaming method.</summary>
    public abstract void AddServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Binds a duplex-streaming method.</summary>
    public abstract void AddDuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;
}
