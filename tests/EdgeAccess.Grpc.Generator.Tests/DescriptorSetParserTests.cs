using EdgeAccess.Grpc.Generator.Descriptors;
using EdgeAccess.Grpc.Generator.Tests.Infrastructure;
using Google.Protobuf.Reflection;
using static EdgeAccess.Grpc.Generator.Tests.Infrastructure.ProtoWriter;

namespace EdgeAccess.Grpc.Generator.Tests;

/// <summary>The hand-written wire reader, against hand-made bytes and against Google.Protobuf's parser.</summary>
[Collection(ProtocCollection.Name)]
public sealed class DescriptorSetParserTests(ProtoFixture protos)
{
    [Fact]
    public void Parse_ProtocDescriptorSetWithSourceInfoAndCustomOptions_MatchesGoogleProtobuf()
    {
        // The set holds descriptor.proto itself, timestamp.proto, custom options (unknown fields in
        // FileOptions and MethodOptions), maps, oneofs, enums and SourceCodeInfo: all must be skipped.
        var expected = FileDescriptorSet.Parser.ParseFrom(protos.FullSetWithSourceInfo);

        var actual = DescriptorSetParser.Parse(protos.FullSetWithSourceInfo);

        Assert.Contains(actual, f => f.Name == "google/protobuf/descriptor.proto");
        Assert.Equal(expected.File.Select(Describe), actual.Select(Describe));
    }

    [Fact]
    public void Parse_EveryTruncationOfARealSet_EitherParsesOrThrowsDescriptorFormatException()
    {
        var data = protos.FullSet;
        var failures = 0;

        for (var length = 0; length < data.Length; length++)
        {
            try
            {
                DescriptorSetParser.Parse(data[..length]);
            }
            catch (DescriptorFormatException)
            {
                failures++;
            }
        }

        // Cuts inside a file always fail; only the few cuts between top-level files parse.
        Assert.InRange(failures, data.Length - 10, data.Length);
    }

    [Fact]
    public void Parse_UnknownFieldsOfEveryWireTypeAtEveryLevel_AreSkipped()
    {
        var unknown = UnknownFieldsOfEveryWireType();
        byte[] method =
        [
            .. unknown, .. String(1, "Watch"), .. String(2, ".p.Req"), .. unknown, .. String(3, ".p.Resp"),
            .. Bytes(4, unknown), .. VarintField(5, 0), .. VarintField(6, 1), .. unknown,
        ];
        byte[] file =
        [
            .. unknown, .. String(1, "p/x.proto"), .. String(2, "p"), .. String(3, "other.proto"),
            .. Bytes(4, String(1, "Outer"), unknown, Bytes(3, String(1, "Inner"), unknown), Bytes(2, String(1, "field"))),
            .. Bytes(6, unknown, String(1, "S"), Bytes(2, method), unknown),
            .. Bytes(8, String(1, "java.pkg"), unknown, String(37, "My.Ns")),
            .. unknown,
        ];
        byte[] set = [.. unknown, .. Bytes(1, file), .. unknown];

        var parsed = Assert.Single(DescriptorSetParser.Parse(set));

        Assert.Equal(("p/x.proto", "p", "My.Ns"), (parsed.Name, parsed.Package, parsed.CSharpNamespace));
        Assert.Equal(["other.proto"], parsed.Dependencies);
        var outer = Assert.Single(parsed.Messages);
        Assert.Equal(("Outer", "Inner"), (outer.Name, Assert.Single(outer.NestedTypes).Name));
        var service = Assert.Single(parsed.Services);
        var watch = Assert.Single(service.Methods);
        Assert.Equal(("S", "Watch", ".p.Req", ".p.Resp", false, true), (service.Name, watch.Name, watch.InputType, watch.OutputType, watch.ClientStreaming, watch.ServerStreaming));
    }

    [Fact]
    public void Parse_KnownFieldWithUnexpectedWireType_IsSkippedLikeAnUnknownField()
    {
        // name as a varint and package as fixed32 are not the declared string fields.
        byte[] file = [.. VarintField(1, 5), .. Fixed32(2), .. String(1, "real.proto"), .. Bytes(8, VarintField(37, 1))];

        var parsed = Assert.Single(DescriptorSetParser.Parse(Bytes(1, file)));

        Assert.Equal(("real.proto", string.Empty, (string?)null), (parsed.Name, parsed.Package, parsed.CSharpNamespace));
    }

    public static TheoryData<byte[]> MalformedSets => new()
    {
        new byte[] { 0x0E },                                  // wire type 6
        new byte[] { 0x0F },                                  // wire type 7
        new byte[] { 0x00 },                                  // field number 0
        new byte[] { 0x0C },                                  // end-group tag with no group open
        Tag(5, 3),                                            // group never closed
        (byte[])[.. Tag(5, 3), .. Tag(6, 4)],                 // group closed by another field's end tag
        new byte[] { 0x08, 0x80 },                            // varint cut short
        new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, // 11-byte varint
        new byte[] { 0x0A, 0x05, 0x01 },                      // length past the end
        new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F },    // length far past the end (overflows int)
        new byte[] { 0x09, 0x01, 0x02 },                      // fixed64 cut short
        new byte[] { 0x0D, 0x01 },                            // fixed32 cut short
        (byte[])[.. Bytes(1, [0x12, 0x09, 0x41])],            // a file whose package runs past the file
        (byte[])[.. Enumerable.Range(0, 100).SelectMany(_ => Tag(1, 3))], // groups nested 100 deep
    };

    [Theory]
    [MemberData(nameof(MalformedSets))]
    public void Parse_MalformedBytes_ThrowsDescriptorFormatException(byte[] data) =>
        Assert.Throws<DescriptorFormatException>(() => DescriptorSetParser.Parse(data));

    [Fact]
    public void Parse_TenByteVarintAndNestedGroups_AreAccepted()
    {
        byte[] set = [.. VarintField(2, ulong.MaxValue), .. Group(3, Group(4, Group(5)))];

        Assert.Empty(DescriptorSetParser.Parse(set));
    }

    private static string Describe(FileDescriptorProto file) => Describe(
        file.Name,
        file.Package,
        file.Options?.HasCsharpNamespace == true ? file.Options.CsharpNamespace : null,
        file.Dependency,
        file.MessageType.Select(Describe),
        file.Service.Select(s => s.Name + "{" + string.Join(",", s.Method.Select(m =>
            $"{m.Name}({m.InputType}>{m.OutputType}:{m.ClientStreaming}/{m.ServerStreaming})")) + "}"));

    private static string Describe(DescriptorProto message) =>
        message.Name + "[" + string.Join(",", message.NestedType.Select(Describe)) + "]";

    private static string Describe(ProtoFile file) => Describe(
        file.Name,
        file.Package,
        file.CSharpNamespace,
        file.Dependencies,
        file.Messages.Select(Describe),
        file.Services.Select(s => s.Name + "{" + string.Join(",", s.Methods.Select(m =>
            $"{m.Name}({m.InputType}>{m.OutputType}:{m.ClientStreaming}/{m.ServerStreaming})")) + "}"));

    private static string Describe(ProtoMessage message) =>
        message.Name + "[" + string.Join(",", message.NestedTypes.Select(Describe)) + "]";

    private static string Describe(
        string name, string package, string? csharpNamespace, IEnumerable<string> dependencies, IEnumerable<string> messages, IEnumerable<string> services) =>
        $"{name} pkg={package} ns={csharpNamespace ?? "<none>"} deps=[{string.Join(",", dependencies)}] msgs=[{string.Join(",", messages)}] services=[{string.Join(",", services)}]";
}
