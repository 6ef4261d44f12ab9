using System.Security.Cryptography;
using System.Text;

namespace EdgeAccess.Decisions.Tests;

public class CardHasherTests
{
    [Theory]
    [InlineData(" a1b2-c3d4 ", "A1B2C3D4")]
    [InlineData("00 11 22", "001122")]
    [InlineData("abcd", "ABCD")]
    public void TryNormalize_ReadNumber_HubNormalization(string number, string expected)
    {
        Assert.True(CardHasher.TryNormalize(number, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("abc")]
    [InlineData("12G4")]
    [InlineData("12_34")]
    public void TryNormalize_Unacceptable_False(string? number) => Assert.False(CardHasher.TryNormalize(number, out _));

    [Fact]
    public void TryNormalize_MaxLength_Boundary()
    {
        Assert.True(CardHasher.TryNormalize(new string('A', 64), out _));
        Assert.False(CardHasher.TryNormalize(new string('A', 65), out _));
    }

    [Fact]
    public void Hash_Normalized_HmacSha256OfAscii()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var hasher = new CardHasher(key);

        Assert.True(hasher.TryHash("a1-b2 c3", out var hash));
        Assert.Equal(CardHash.FromBytes(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("A1B2C3"))), hash);
    }

    [Fact]
    public void CardHash_WrongLength_Rejected()
    {
        Assert.False(CardHash.TryCreate(new byte[31], out _));
        Assert.Throws<ArgumentException>(() => CardHash.FromBytes(new byte[33]));
    }
}
