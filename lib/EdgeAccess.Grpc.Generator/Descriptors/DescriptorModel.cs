using System.Collections.Generic;

namespace EdgeAccess.Grpc.Generator.Descriptors;

// The subset of google/protobuf/descriptor.proto the generator reads. Field numbers are noted
// where each property is read, in DescriptorSetParser.

/// <summary>A <c>FileDescriptorProto</c>.</summary>
internal sealed class ProtoFile
{
    /// <summary>The file's path relative to its import root, e.g. <c>grpc/testing/test.proto</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The proto package; empty when the file declares none.</summary>
    public string Package { get; set; } = string.Empty;

    /// <summary>The <c>csharp_namespace</c> file option; null when the option is absent (empty is a valid value).</summary>
    public string? CSharpNamespace { get; set; }

    /// <summary>The files this file imports.</summary>
    public List<string> Dependencies { get; } = [];

    /// <summary>The top-level messages.</summary>
    public List<ProtoMessage> Messages { get; } = [];

    /// <summary>The services, in declaration order (their index is the index in <c>FileDescriptor.Services</c>).</summary>
    public List<ProtoService> Services { get; } = [];
}

/// <summary>A <c>DescriptorProto</c>: a message and the messages nested in it.</summary>
internal sealed class ProtoMessage
{
    public string Name { get; set; } = string.Empty;

    public List<ProtoMessage> NestedTypes { get; } = [];
}

/// <summary>A <c>ServiceDescriptorProto</c>.</summary>
internal sealed class ProtoService
{
    public string Name { get; set; } = string.Empty;

    public List<ProtoMethod> Methods { get; } = [];
}

/// <summary>A <c>MethodDescriptorProto</c>.</summary>
internal sealed class ProtoMethod
{
    public string Name { get; set; } = string.Empty;

    /// <summary>The request type's fully qualified name with a leading dot, e.g. <c>.grpc.testing.Empty</c>.</summary>
    public string InputType { get; set; } = string.Empty;

    /// <summary>The response type's fully qualified name with a leading dot.</summary>
    public string OutputType { get; set; } = string.Empty;

    public bool ClientStreaming { get; set; }

    public bool ServerStreaming { get; set; }
}
