using System.Text;

namespace EdgeAccess.Grpc.Generator.Tests.Infrastructure;

/// <summary>Writes protobuf wire format by hand, to craft exactly the bytes a test needs.</summary>
internal static class ProtoWriter
{
    public static byte[] Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    /// <summary>A varint field (wire type 0).</summary>
    public static byte[] VarintField(int field, ulong value) => [.. Tag(field, 0), .. Varint(value)];

    /// <summary>A length-delimited field (wire type 2) holding <paramref name="content"/>.</summary>
    public static byte[] Bytes(int field, params byte[][] content)
    {
        byte[] body = [.. content.SelectMany(c => c)];
        return [.. Tag(field, 2), .. Varint((ulong)body.Length), .. body];
    }

    /// <summary>A length-delimited UTF-8 string field.</summary>
    public static byte[] String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public static byte[] Fixed32(int field) => [.. Tag(field, 5), 1, 2, 3, 4];

    public static byte[] Fixed64(int field) => [.. Tag(field, 1), 1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>A group (wire types 3 and 4) around <paramref name="content"/>.</summary>
    public static byte[] Group(int field, params byte[][] content) =>
        [.. Tag(field, 3), .. content.SelectMany(c => c), .. Tag(field, 4)];

    /// <summary>One field of every wire type, with field numbers no descriptor message uses.</summary>
    public static byte[] UnknownFieldsOfEveryWireType() =>
    [
        .. VarintField(1000, ulong.MaxValue),
        .. Fixed64(1001),
        .. String(1002, "unknown"),
        .. Group(1003, VarintField(1, 7), Group(2, Fixed32(3)), String(4, "nested")),
        .. Fixed32(1004),
    ];
}
