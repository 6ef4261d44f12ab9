using Microsoft.CodeAnalysis;

namespace EdgeAccess.Grpc.Generator;

/// <summary>The diagnostics the generator reports (listed in AnalyzerReleases.Unshipped.md).</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "EdgeAccess.Grpc.Generator";

    public static readonly DiagnosticDescriptor UnreadableDescriptorSet = new(
        id: "EAGRPC001",
        title: "Unreadable protobuf descriptor set",
        messageFormat: "The protobuf descriptor set '{0}' cannot be read: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The file is expected to hold a base64-encoded google.protobuf.FileDescriptorSet written by build/EdgeAccess.Grpc.Codegen.targets. Rebuild; if it persists, delete obj/.");

    public static readonly DiagnosticDescriptor UnresolvedType = new(
        id: "EAGRPC002",
        title: "Message type not found in the descriptor set",
        messageFormat: "Method '{0}' uses type '{1}', which the descriptor set does not define; no code is generated for service '{2}'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor IncompleteDescriptorSets = new(
        id: "EAGRPC003",
        title: "Descriptor sets incomplete",
        messageFormat: "'{0}' was given to the compiler without '{1}'; both come from build/EdgeAccess.Grpc.Codegen.targets",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MemberRenamed = new(
        id: "EAGRPC004",
        title: "Generated member renamed to avoid a clash",
        messageFormat: "'{0}' is generated as '{1}' in '{2}', because '{3}' is already taken there",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true);
}
