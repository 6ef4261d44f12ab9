using System.Reflection;
using System.Runtime.InteropServices;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.ServiceDefaults;

/// <summary>Who answered: component, version, node id and clock. Served by the hub and every edge node.</summary>
public sealed class ServerInfoGrpcService(ProcessIdentity identity, TimeProvider time) : ServerInfoService.ServiceBase
{
    public override Task<ServerInfo> GetServerInfo(GetServerInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerInfo
        {
            Component = identity.Component,
            Version = identity.Version,
            NodeId = identity.NodeId,
            StartedAt = Timestamp.FromDateTimeOffset(identity.StartedAt),
            Now = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Runtime = RuntimeInformation.FrameworkDescription,
        });
}

/// <summary>The identity of this process.</summary>
/// <param name="Component"><c>cloud</c> or <c>edge</c>.</param>
/// <param name="NodeId">The edge node id, or the hub instance name.</param>
/// <param name="StartedAt">When the process started.</param>
public sealed record ProcessIdentity(string Component, string NodeId, DateTimeOffset StartedAt)
{
    /// <summary>The informational version of the entry assembly.</summary>
    public string Version { get; } =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";
}
