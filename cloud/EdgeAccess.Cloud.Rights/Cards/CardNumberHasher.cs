using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Rights.Cards;

/// <summary>
/// Turns a card number into what the hub stores and edges compare: HMAC-SHA256 keyed by the
/// deployment secret over the normalized number (uppercase hex digits, ASCII). The number itself
/// is never stored; without the key its hash cannot be brute-forced from the short number space.
/// </summary>
public sealed class CardNumberHasher
{
    /// <summary>Fewest characters of a normalized number.</summary>
    public const int MinLength = 4;

    /// <summary>Most characters of a normalized number.</summary>
    public const int MaxLength = 64;

    /// <summary>How many trailing characters are kept for display.</summary>
    public const int LastDigitsLength = 4;

    private readonly byte[] _key;

    /// <summary>Creates the hasher with the validated <see cref="CardHashOptions"/>.</summary>
    public CardNumberHasher(IOptions<CardHashOptions> options)
    {
        _key = Convert.FromBase64String(options.Value.CardHashKey.Trim());
    }

    /// <summary>
    /// Normalizes a number as typed or read: trims, drops spaces and dashes, uppercases. Returns
    /// false unless what remains is <see cref="MinLength"/> to <see cref="MaxLength"/> hex digits.
    /// </summary>
    public static bool TryNormalize(string? number, out string normalized)
    {
        normalized = "";
        if (number is null)
        {
            return false;
        }

        var builder = new StringBuilder(number.Length);
        foreach (var c in number.AsSpan().Trim())
        {
            if (c is ' ' or '-')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c) || builder.Length == MaxLength)
            {
                return false;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        if (builder.Length < MinLength)
        {
            return false;
        }

        normalized = builder.ToString();
        return true;
    }

    /// <summary>The last digits shown for a normalized number.</summary>
    public static string LastDigits(string normalized) => normalized[^Math.Min(LastDigitsLength, normalized.Length)..];

    /// <summary>The stored hash of a normalized number (see <see cref="TryNormalize"/>).</summary>
    public byte[] Hash(string normalized) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(normalized));

    /// <summary>
    /// A keyed digest of any secret-bearing text (e.g. a request holding a number or a PIN), for
    /// comparing requests without keeping what they contain. <paramref name="purpose"/> separates
    /// uses so a digest of one kind never equals one of another.
    /// </summary>
    public byte[] Digest(string purpose, string value) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose + "\n" + value));
}

/// <summary>The deployment secrets of card hashing (<c>EdgeAccess:Secrets</c>).</summary>
public sealed class CardHashOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Secrets";

    /// <summary>Fewest key bytes accepted (the HMAC-SHA256 output size).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>
    /// Base64 of at least 32 random bytes, the same for every hub instance of a deployment (a new
    /// key invalidates every stored card hash). Comes from the environment or a secret store.
    /// </summary>
    public string CardHashKey { get; set; } = "";

    /// <summary>Null when valid, otherwise what is wrong (for <c>ValidateOnStart</c>).</summary>
    public static string? Check(CardHashOptions options)
    {
        var bytes = new byte[options.CardHashKey.Length];
        return string.IsNullOrWhiteSpace(options.CardHashKey)
            ? "EdgeAccess:Secrets:CardHashKey is required: base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`), the same on every hub of the deployment"
            : !Convert.TryFromBase64String(options.CardHashKey.Trim(), bytes, out var length)
                ? "EdgeAccess:Secrets:CardHashKey is not valid base64"
                : length < MinKeyBytes
                    ? $"EdgeAccess:Secrets:CardHashKey must decode to at least {MinKeyBytes} bytes (it has {length})"
                    : null;
    }
}
