using Google.Protobuf.Reflection;

namespace EdgeAccess.Grpc.Server;

/// <summary>
/// Implemented by the generated <c>ServiceBase</c> class of every protobuf service. Mapping a class
/// derived from it binds each method of the service descriptor to the class's override.
/// </summary>
/// <typeparam name="TSelf">The generated base class itself.</typeparam>
public interface IGrpcServiceBase<TSelf>
    where TSelf : class, IGrpcServiceBase<TSelf>
{
    /// <summary>The protobuf descriptor of the service.</summary>
    static abstract ServiceDescriptor Descriptor { get; }

    /// <summary>Registers every method of the service with <paramref name="binder"/>.</summary>
    static abstract void BindService(ServiceBinder<TSelf> binder);
}
