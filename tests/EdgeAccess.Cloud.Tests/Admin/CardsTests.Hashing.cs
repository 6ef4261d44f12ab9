using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Rights.Cards;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary><see cref="CardNumberHasher"/> and its key's start-up validation (no hub needed).</summary>
public sealed class CardsHashingTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Theory]
    [InlineData(" 04a1-b2c3 d4e5 ", "04A1B2C3D4E5")]
    [InlineData("abcd", "ABCD")]
    public void TryNormalize_SpacesDashesCase_UppercaseHex(string raw, string expected)
    {
        Assert.True(CardNumberHasher.TryNormalize(raw, out var normalized));
        Assert.Equal(expected, normalized);
        Assert.Equal(expected[^4..], CardNumberHasher.LastDigits(normalized));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12-3")]
    [InlineData("12G45")]
    [InlineData("1234_5678")]
    public void TryNormalize_NotFourToSixtyFourHexDigits_False(string? raw)
    {
        Assert.False(CardNumberHasher.TryNormalize(raw, out _));
    }

    [Fact]
    public void TryNormalize_LengthBounds_FourToSixtyFour()
    {
        Assert.True(CardNumberHasher.TryNormalize(new string('A', 64), out _));
        Assert.False(CardNumberHasher.TryNormalize(new string('A', 65), out _));
        Assert.True(CardNumberHasher.TryNormalize("1-2-3-4", out _));
    }

    [Fact]
    public void Hash_IsHmacSha256OfNormalizedNumberUnderTheKey()
    {
        var hasher = new CardNumberHasher(Options.Create(new CardHashOptions { CardHashKey = Key }));
        var other = new CardNumberHasher(Options.Create(new CardHashOptions { CardHashKey = Convert.ToBase64String(new byte[32]) }));

        var hash = hasher.Hash("04A1B2C3");

        Assert.Equal(HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.ASCII.GetBytes("04A1B2C3")), hash);
        Assert.NotEqual(SHA256.HashData(Encoding.ASCII.GetBytes("04A1B2C3")), hash);
        Assert.NotEqual(other.Hash("04A1B2C3"), hash);
    }

    [Theory]
    [InlineData(null, "EdgeAccess:Secrets:CardHashKey is required")]
    [InlineData("not base64!", "is not valid base64")]
    [InlineData("c2hvcnQta2V5", "at least 32 bytes (it has 9)")]
    public void Start_MissingOrWeakCardHashKey_FailsWithClearMessage(string? key, string message)
    {
        var builder = WebApplication.CreateBuilder();
        if (key is not null)
        {
            builder.Configuration["EdgeAccess:Secrets:CardHashKey"] = key;
        }

        builder.AddEdgeAccessPeopleAdmin();
        using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<CardHashOptions>>().Value);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
