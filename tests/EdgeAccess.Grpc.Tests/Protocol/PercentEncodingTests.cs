using EdgeAccess.Grpc.Protocol;

namespace EdgeAccess.Grpc.Tests.Protocol;

/// <summary>
/// PROTOCOL-HTTP2, Status-Message: UTF-8 bytes, each byte outside %x20-%x7E and '%' itself sent as
/// %XX; a receiver must not fail the call on a malformed escape.
/// </summary>
public sealed class PercentEncodingTests
{
    // The message of the interop case "special_status_message".
    private const string InteropSpecialMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";

    [Fact]
    public void Encode_InteropSpecialMessage_IsPrintableAsciiAndRoundTrips()
    {
        var encoded = PercentEncoding.Encode(InteropSpecialMessage);

        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.StartsWith("%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA", encoded, StringComparison.Ordinal);
        Assert.Equal(InteropSpecialMessage, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("caf\u00E9", "caf%C3%A9")]
    public void Encode_Value_EscapesOnlyWhatTheSpecRequires(string value, string expected) =>
        Assert.Equal(expected, PercentEncoding.Encode(value));

    [Theory]
    [InlineData("%", "%")] // lone percent
    [InlineData("50%", "50%")] // at the end
    [InlineData("%4", "%4")] // one hex digit
    [InlineData("%G1 x", "%G1 x")] // not hex
    [InlineData("a%zzb%41", "a%zzbA")] // malformed then valid
    [InlineData("%c3%a9", "\u00E9")] // lowercase hex
    public void Decode_MalformedEscapes_KeptAsIs(string wire, string expected) =>
        Assert.Equal(expected, PercentEncoding.Decode(wire));
}
