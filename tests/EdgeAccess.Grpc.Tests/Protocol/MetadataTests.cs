namespace EdgeAccess.Grpc.Tests.Protocol;

/// <summary>Metadata keys and values as PROTOCOL-HTTP2 allows them.</summary>
public sealed class MetadataTests
{
    [Theory]
    [InlineData("x key")]
    [InlineData("x:key")]
    [InlineData("x/key")]
    [InlineData("\u00E9t\u00E9")]
    [InlineData("X@Y")]
    [InlineData("")]
    public void Add_KeyWithInvalidCharacter_Throws(string key) =>
        Assert.ThrowsAny<ArgumentException>(() => new Metadata { { key, "value" } });

    [Fact]
    public void Add_UppercaseKey_IsLowercased()
    {
        var metadata = new Metadata { { "X-Request-Id", "abc" } };

        Assert.Equal("x-request-id", Assert.Single(metadata).Key);
    }

    [Fact]
    public void Add_BinaryKeyWithText_Throws() =>
        Assert.Throws<ArgumentException>(() => new Metadata { { "x-data-bin", "text" } });

    [Fact]
    public void Add_TextKeyWithBytes_Throws() =>
        Assert.Throws<ArgumentException>(() => new Metadata { { "x-data", new byte[] { 1 } } });

    [Fact]
    public void Add_NonPrintableTextValue_Throws() =>
        Assert.Throws<ArgumentException>(() => new Metadata { { "x-data", "line\nbreak" } });
}
