using EdgeAccess.Grpc.Protocol;
using Microsoft.Extensions.Primitives;

namespace EdgeAccess.Grpc.Tests.Protocol;

/// <summary>
/// PROTOCOL-HTTP2, Custom-Metadata: "-bin" values are base64; implementations must accept padded
/// and unpadded values, and must emit padded. Keys are 1*( %x30-39 / %x61-7A / "_" / "-" / ".").
/// </summary>
public sealed class MetadataCodecTests
{
    [Theory]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQ==", new byte[] { 1 })]
    [InlineData("AQ", new byte[] { 1 })]
    [InlineData("", new byte[0])]
    public void DecodeBase64_PaddedAndUnpadded_Decodes(string value, byte[] expected) =>
        Assert.Equal(expected, MetadataCodec.DecodeBase64(value));

    [Theory]
    [InlineData("A")] // a single character can never be base64
    [InlineData("A*B=")]
    public void DecodeBase64_Invalid_ReturnsNull(string value) =>
        Assert.Null(MetadataCodec.DecodeBase64(value));

    [Fact]
    public void AddHeaders_BinaryAndText_DecodesBinarySkipsReservedDropsMalformed()
    {
        var metadata = new Metadata();
        MetadataCodec.AddHeaders(metadata, new Dictionary<string, StringValues>
        {
            ["x-trace-bin"] = "AQI, AQID", // HTTP/2 folded two entries into one field, one unpadded
            ["x-bad-bin"] = "*",
            ["x-user"] = "alice",
            ["grpc-timeout"] = "1S",
            ["content-type"] = "application/grpc",
        });

        Assert.Equal(["x-trace-bin", "x-trace-bin", "x-user"], metadata.Select(e => e.Key));
        Assert.Equal(new byte[] { 1, 2 }, metadata[0].ValueBytes);
        Assert.Equal(new byte[] { 1, 2, 3 }, metadata[1].ValueBytes);
        Assert.Equal("alice", metadata.GetValue("x-user"));
    }

    [Fact]
    public void ToHeaderValue_BinaryEntry_IsPaddedBase64() =>
        Assert.Equal("AQI=", MetadataCodec.ToHeaderValue(new Metadata.Entry("x-bin", new byte[] { 1, 2 })));
}
