using System.ComponentModel.DataAnnotations;
using EdgeAccess.Grpc.Interceptors;
using EdgeAccess.Grpc.Protocol;

namespace EdgeAccess.Grpc.Server;

/// <summary>Options of the gRPC server, bound from the <c>Grpc:Server</c> configuration section.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, after decompression (default 4 MiB, as every gRPC implementation).
    /// A larger one ends the call with RESOURCE_EXHAUSTED before it is buffered.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null for no limit. A larger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// How long the one request of a unary or server-streaming call may take to arrive complete
    /// (message and end of stream). A client that stalls gets DEADLINE_EXCEEDED on that call only;
    /// Kestrel's own minimum data rate is off because it would reset the whole connection.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SingleRequestReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Compress every response with this encoding when the client accepts it (e.g. <c>gzip</c>); null to leave it to each call.</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Put the exception message of an unhandled handler exception into the status detail. Off by default: internals must not leak.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors every call passes through, outermost first.</summary>
    public IList<Interceptor> Interceptors { get; } = [];

    /// <summary>Interceptor types resolved from dependency injection (singletons) when services are mapped, after <see cref="Interceptors"/>.</summary>
    public IList<Type> InterceptorTypes { get; } = [];

    /// <summary>Adds an interceptor resolved from dependency injection.</summary>
    public void AddInterceptor<T>() where T : Interceptor => InterceptorTypes.Add(typeof(T));
}
