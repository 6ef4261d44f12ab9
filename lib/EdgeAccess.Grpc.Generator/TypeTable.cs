using System;
using System.Collections.Generic;
using EdgeAccess.Grpc.Generator.Descriptors;

namespace EdgeAccess.Grpc.Generator;

/// <summary>
/// Every message of a descriptor set by its fully qualified proto name (<c>.pkg.Outer.Inner</c>,
/// as <c>MethodDescriptorProto.input_type</c> spells it), mapped to the C# class protoc generates
/// for it. Imported files resolve through their own namespace, e.g. <c>.google.protobuf.Empty</c>
/// → <c>global::Google.Protobuf.WellKnownTypes.Empty</c>.
/// </summary>
internal sealed class TypeTable
{
    private readonly Dictionary<string, string> _classNames = new(StringComparer.Ordinal);

    public TypeTable(IEnumerable<ProtoFile> files)
    {
        foreach (var file in files)
        {
            var packagePrefix = file.Package.Length == 0 ? "." : "." + file.Package + ".";
            foreach (var message in file.Messages)
            {
                Add(file, packagePrefix, string.Empty, message);
            }
        }
    }

    /// <summary>Looks up the C# class of a message by its fully qualified proto name.</summary>
    public bool TryGetClassName(string protoFullName, out string className) =>
        _classNames.TryGetValue(protoFullName, out className!);

    private void Add(ProtoFile file, string packagePrefix, string outer, ProtoMessage message)
    {
        var relative = outer.Length == 0 ? message.Name : outer + "." + message.Name;
        var fullName = packagePrefix + relative;
        if (!_classNames.ContainsKey(fullName))
        {
            _classNames.Add(fullName, CSharpNames.MessageClassName(file, relative));
        }

        foreach (var nested in message.NestedTypes)
        {
            Add(file, packagePrefix, relative, nested);
        }
    }
}
