using System.Security.Cryptography;
using System.Text;

namespace EdgeAccess.Decisions;

/// <summary>
/// Hashes a card number the way the hub does (cloud <c>CardNumberHasher</c>): HMAC-SHA256 keyed by
/// the deployment secret over the normalized number (trimmed, spaces and dashes dropped, uppercase
/// ASCII hex digits, 4 to 64 of them). A reader hands the edge a number; the edge hashes it once and
/// decides on the hash, so the number is never kept.
/// </summary>
public sealed class CardHasher
{
    /// <summary>Fewest characters of a normalized number (same as the hub).</summary>
    public const int MinLength = 4;

    /// <summary>Most characters of a normalized number (same as the hub).</summary>
    public const int MaxLength = 64;

    private readonly byte[] _key;

    /// <summary>Creates the hasher with the deployment key the hub hashes with.</summary>
    /// <param name="key">The decoded deployment secret (the hub's <c>CardHashKey</c>).</param>
    public CardHasher(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("The card hash key is empty.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>
    /// Normalizes a number as typed or read: trims, drops spaces and dashes, uppercases. Returns
    /// false unless what remains is <see cref="MinLength"/> to <see cref="MaxLength"/> hex digits.
    /// Must stay identical to the hub's <c>CardNumberHasher.TryNormalize</c>.
    /// </summary>
    /// <param name="number">The number as read.</param>
    /// <param name="normalized">The normalized number, or empty.</param>
    /// <returns>Whether the number is acceptable.</returns>
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

    /// <summary>The hash of a normalized number (see <see cref="TryNormalize"/>).</summary>
    /// <param name="normalized">The normalized number.</param>
    /// <returns>The hash the hub stores in <c>CardRecord.number_hash</c>.</returns>
    public CardHash Hash(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        // Normalized numbers are at most 64 ASCII characters; anything longer still hashes (as the hub would).
        var input = normalized.Length <= MaxLength ? stackalloc byte[MaxLength] : new byte[Encoding.ASCII.GetMaxByteCount(normalized.Length)];
        var length = Encoding.ASCII.GetBytes(normalized, input);
        Span<byte> output = stackalloc byte[CardHash.Length];
        HMACSHA256.HashData(_key, input[..length], output);
        return CardHash.FromBytes(output);
    }

    /// <summary>Normalizes and hashes a number as read.</summary>
    /// <param name="number">The number as read.</param>
    /// <param name="hash">The hash, or default when the number is not acceptable.</param>
    /// <returns>Whether the number is acceptable.</returns>
    public bool TryHash(string? number, out CardHash hash)
    {
        hash = default;
        if (!TryNormalize(number, out var normalized))
        {
            return false;
        }

        hash = Hash(normalized);
        return true;
    }
}
