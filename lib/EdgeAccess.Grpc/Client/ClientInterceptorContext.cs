using Google.Protobuf;

namespace EdgeAccess.Grpc.Client;

/// <summary>An outgoing call as seen by a client interceptor, which may replace its options.</summary>
/// <param name="Method">The method being called.</param>
/// <param name="Options">The call's options (headers, deadline, cancellation).</param>
public readonly record struct ClientInterceptorContext<TRequest, TResponse>(
    Method<TRequest, TResponse> Method,
    CallOptions Options)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>;
