using Google.Protobuf;

namespace EdgeAccess.Grpc;

/// <summary>
/// A gRPC method: its shape, its names and how its messages are read. Instances are generated from
/// the protobuf service descriptors; application code does not create them by hand.
/// </summary>
public interface IMethod
{
    /// <summary>The method's shape.</summary>
    MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>grpc.testing.TestService</c>.</summary>
    string ServiceName { get; }

    /// <summary>The method name, e.g. <c>UnaryCall</c>.</summary>
    string Name { get; }

    /// <summary>The HTTP/2 path, <c>/service/method</c>.</summary>
    string FullName { get; }
}

/// <summary>A typed gRPC method.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class Method<TRequest, TResponse> : IMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Creates a method.</summary>
    public Method(
        MethodType type,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    /// <inheritdoc />
    public MethodType Type { get; }

    /// <inheritdoc />
    public string ServiceName { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string FullName { get; }

    /// <summary>Reads request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Reads response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}
