using System.Collections.Generic;

namespace EdgeAccess.Grpc.Generator.Descriptors;

/// <summary>
/// Decodes a <c>google.protobuf.FileDescriptorSet</c> (what <c>protoc --descriptor_set_out</c>
/// writes) into the subset the generator needs. Field numbers follow
/// <c>google/protobuf/descriptor.proto</c>. A known field that arrives with an unexpected wire
/// type is skipped like an unknown one, as protobuf parsers do.
/// </summary>
internal static class DescriptorSetParser
{
    /// <summary>Parses a serialized <c>FileDescriptorSet</c>.</summary>
    /// <exception cref="DescriptorFormatException">The bytes are not a well-formed descriptor set.</exception>
    public static List<ProtoFile> Parse(byte[] data)
    {
        var files = new List<ProtoFile>();
        var reader = new WireReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                // FileDescriptorSet.file = 1
                files.Add(ParseFile(reader.ReadMessage()));
            }
            else
            {
                reader.SkipField(field, wireType);
            }
        }

        return files;
    }

    private static ProtoFile ParseFile(WireReader reader)
    {
        var file = new ProtoFile();
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (wireType != WireType.LengthDelimited)
            {
                reader.SkipField(field, wireType);
                continue;
            }

            switch (field)
            {
                case 1: // name
                    file.Name = reader.ReadString();
                    break;
                case 2: // package
                    file.Package = reader.ReadString();
                    break;
                case 3: // dependency
                    file.Dependencies.Add(reader.ReadString());
                    break;
                case 4: // message_type
                    file.Messages.Add(ParseMessage(reader.ReadMessage()));
                    break;
                case 6: // service
                    file.Services.Add(ParseService(reader.ReadMessage()));
                    break;
                case 8: // options (FileOptions); a repeated embedded message merges, so a later value wins
                    file.CSharpNamespace = ParseCSharpNamespace(reader.ReadMessage()) ?? file.CSharpNamespace;
                    break;
                default:
                    reader.SkipField(field, wireType);
                    break;
            }
        }

        return file;
    }

    private static ProtoMessage ParseMessage(WireReader reader)
    {
        var message = new ProtoMessage();
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                message.Name = reader.ReadString();
            }
            else if (field == 3 && wireType == WireType.LengthDelimited)
            {
                // nested_type
                message.NestedTypes.Add(ParseMessage(reader.ReadMessage()));
            }
            else
            {
                reader.SkipField(field, wireType);
            }
        }

        return message;
    }

    private static ProtoService ParseService(WireReader reader)
    {
        var service = new ProtoService();
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                service.Name = reader.ReadString();
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                service.Methods.Add(ParseMethod(reader.ReadMessage()));
            }
            else
            {
                reader.SkipField(field, wireType);
            }
        }

        return service;
    }

    private static ProtoMethod ParseMethod(WireReader reader)
    {
        var method = new ProtoMethod();
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.LengthDelimited:
                    method.Name = reader.ReadString();
                    break;
                case 2 when wireType == WireType.LengthDelimited:
                    method.InputType = reader.ReadString();
                    break;
                case 3 when wireType == WireType.LengthDelimited:
                    method.OutputType = reader.ReadString();
                    break;
                case 5 when wireType == WireType.Varint:
                    method.ClientStreaming = reader.ReadBool();
                    break;
                case 6 when wireType == WireType.Varint:
                    method.ServerStreaming = reader.ReadBool();
                    break;
                default:
                    reader.SkipField(field, wireType);
                    break;
            }
        }

        return method;
    }

    // FileOptions.csharp_namespace = 37. Returns null when this options message does not set it.
    private static string? ParseCSharpNamespace(WireReader reader)
    {
        string? value = null;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 37 && wireType == WireType.LengthDelimited)
            {
                value = reader.ReadString();
            }
            else
            {
                reader.SkipField(field, wireType);
            }
        }

        return value;
    }
}
