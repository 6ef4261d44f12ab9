using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace EdgeAccess.Grpc.Server;

/// <summary>The services mapped on this server, for reflection and health checking.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, ServiceDescriptor> _services = new(StringComparer.Ordinal);

    /// <summary>The mapped services by full name.</summary>
    public IReadOnlyCollection<ServiceDescriptor> Services => _services.Values.OrderBy(s => s.FullName, StringComparer.Ordinal).ToArray();

    internal void Add(ServiceDescriptor service) => _services[service.FullName] = service;

    /// <summary>True when a service with that full name is mapped.</summary>
    public bool Contains(string fullName) => _services.ContainsKey(fullName);
}
