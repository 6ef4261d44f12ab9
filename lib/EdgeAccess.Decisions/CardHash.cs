using System.Buffers.Binary;

namespace EdgeAccess.Decisions;

/// <summary>
/// The 32-byte HMAC-SHA256 of a normalized card number as a value type, so the index can key a
/// dictionary by it without allocating (a <c>byte[]</c> key would need a comparer and a heap copy).
/// </summary>
public readonly struct CardHash : IEquatable<CardHash>
{
    /// <summary>Bytes of a card hash (the HMAC-SHA256 output size).</summary>
    public const int Length = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private CardHash(ReadOnlySpan<byte> bytes)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    /// <summary>Creates a hash from exactly <see cref="Length"/> bytes.</summary>
    /// <param name="bytes">The HMAC output, e.g. <c>CardRecord.number_hash</c>.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="ArgumentException">The span is not 32 bytes long.</exception>
    public static CardHash FromBytes(ReadOnlySpan<byte> bytes) =>
        TryCreate(bytes, out var hash) ? hash : throw new ArgumentException($"A card hash has {Length} bytes, not {bytes.Length}.", nameof(bytes));

    /// <summary>Creates a hash when <paramref name="bytes"/> has exactly <see cref="Length"/> bytes.</summary>
    /// <param name="bytes">The HMAC output.</param>
    /// <param name="hash">The hash, or default.</param>
    /// <returns>False when the length is wrong.</returns>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out CardHash hash)
    {
        hash = bytes.Length == Length ? new CardHash(bytes) : default;
        return bytes.Length == Length;
    }

    /// <summary>Writes the 32 bytes to <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="Length"/> bytes.</param>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    /// <inheritdoc/>
    public bool Equals(CardHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CardHash other && Equals(other);

    /// <inheritdoc/>
    // HMAC output is uniformly random, so 64 bits of it are as good a hash code as any mix.
    public override int GetHashCode() => (int)(_a ^ (_a >> 32));

    /// <summary>Equality of two hashes.</summary>
    public static bool operator ==(CardHash left, CardHash right) => left.Equals(right);

    /// <summary>Inequality of two hashes.</summary>
    public static bool operator !=(CardHash left, CardHash right) => !left.Equals(right);

    /// <summary>A short, non-reversible prefix for diagnostics (never the card number).</summary>
    public override string ToString() => $"{BinaryPrimitives.ReverseEndianness(_a) >> 32:x8}…";
}
