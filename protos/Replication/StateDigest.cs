using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Protos.Replication;

/// <summary>
/// An order-independent digest of a site's replicated state (issue 4 §6): the hub computes it over
/// its snapshot of the site, the edge over its SQLite replica, and the two agree exactly when both
/// hold the same set of records. It travels as <see cref="ReplicaDigest"/> (sync.proto).
/// </summary>
/// <remarks>
/// <para>
/// Each record is hashed on its own: SHA-256 over the unambiguous encoding
/// <c>kind (int32 LE) ‖ len ‖ entity id (UTF-8) ‖ len ‖ door id (UTF-8) ‖ len ‖ payload</c>, every
/// <c>len</c> a uint32 LE byte count, so no two different records share an encoding. The door id is
/// empty except for rights; entity and door ids are <see cref="Guid.ToString()"/> ("D", lowercase),
/// as the hub writes them into <see cref="FeedChange"/>.
/// </para>
/// <para>
/// The payload must be the canonical serialization of the record message: what Google.Protobuf's
/// <c>ToByteArray()</c> writes for the parsed message (<see cref="Canonicalize"/>). Both sides
/// already hold exactly those bytes — the hub's compiler writes <c>ToByteArray()</c> into
/// <c>replica_records</c>/<c>effective_rights</c>, and the edge stores
/// <c>ToByteArray()</c> of the message it parsed from the feed (ReplicaRecord.FromChange) — and
/// with one schema version on both sides re-serializing such bytes is the identity (fields in
/// number order, defaults omitted, no maps). <see cref="Canonicalize"/> is there for bytes of
/// unknown origin.
/// </para>
/// <para>
/// The digest is the multiset sum of the record hashes: the four 64-bit little-endian lanes of
/// every hash are added mod 2^64 (an MSet-Add / lattice hash, Clarke et al., "Incremental
/// Multiset Hash Functions", 2003). Addition commutes, so record order does not matter, and a
/// record can be added or removed incrementally. Adding, removing or changing a record moves the
/// sum by a SHA-256 output (or a difference of two), which lands on zero only with negligible
/// probability (about 2^-256 per lane set for an accidental or naive edit); <see cref="Count"/>
/// is kept alongside. This is not a MAC: someone who can write the replica file and knows the
/// algorithm can compute the digest of whatever they wrote. What they cannot do is make it match
/// the digest the hub computes over the true state — that needs a different multiset whose lane
/// sums collide with the true one, i.e. a generalized-birthday attack on SHA-256 lane sums, far
/// beyond a tampered SQLite file. Authenticity of the hub's digest comes from the TLS stream.
/// </para>
/// </remarks>
public sealed class StateDigest
{
    /// <summary>The length of <see cref="ToBytes"/>.</summary>
    public const int Size = 32;

    // Stack buffers up to this size; larger records rent from the pool.
    private const int StackLimit = 1024;

    private ulong _lane0;
    private ulong _lane1;
    private ulong _lane2;
    private ulong _lane3;

    /// <summary>How many records the digest holds (additions minus removals).</summary>
    public long Count { get; private set; }

    /// <summary>Adds one record (<paramref name="payload"/> in canonical form, see the remarks).</summary>
    public void Add(RecordKind kind, string entityId, string doorId, ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[Size];
        HashRecord(kind, entityId, doorId, payload, hash);
        _lane0 += BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _lane1 += BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _lane2 += BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _lane3 += BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
        Count++;
    }

    /// <summary>Removes one record previously added with exactly the same arguments.</summary>
    public void Remove(RecordKind kind, string entityId, string doorId, ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[Size];
        HashRecord(kind, entityId, doorId, payload, hash);
        _lane0 -= BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _lane1 -= BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _lane2 -= BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _lane3 -= BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
        Count--;
    }

    /// <summary>The digest: the four lanes, each 64-bit little-endian (<see cref="Size"/> bytes).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _lane0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), _lane1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), _lane2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), _lane3);
        return bytes;
    }

    /// <summary>Restores a digest from <see cref="Count"/> and <see cref="ToBytes"/>, to keep maintaining it incrementally.</summary>
    public static StateDigest FromBytes(long count, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Size)
        {
            throw new ArgumentException($"A state digest is {Size} bytes, not {digest.Length}.", nameof(digest));
        }

        return new StateDigest
        {
            Count = count,
            _lane0 = BinaryPrimitives.ReadUInt64LittleEndian(digest),
            _lane1 = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
            _lane2 = BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
            _lane3 = BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]),
        };
    }

    /// <summary>Whether this digest holds <paramref name="count"/> records and equals <paramref name="digest"/>.</summary>
    public bool Matches(long count, ReadOnlySpan<byte> digest) => count == Count && AreEqual(ToBytes(), digest);

    /// <summary>Compares two digests (in constant time; false unless both are <see cref="Size"/> bytes).</summary>
    public static bool AreEqual(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        left.Length == Size && right.Length == Size && CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>
    /// The canonical form of a record payload: the message of <paramref name="kind"/> parsed and
    /// serialized again by Google.Protobuf.
    /// </summary>
    /// <exception cref="InvalidProtocolBufferException">The payload is not a valid message.</exception>
    public static byte[] Canonicalize(RecordKind kind, ReadOnlySpan<byte> payload)
    {
        IMessage message = kind switch
        {
            RecordKind.Site => SiteRecord.Parser.ParseFrom(payload),
            RecordKind.Door => DoorRecord.Parser.ParseFrom(payload),
            RecordKind.Card => CardRecord.Parser.ParseFrom(payload),
            RecordKind.Schedule => ScheduleRecord.Parser.ParseFrom(payload),
            RecordKind.Right => RightRecord.Parser.ParseFrom(payload),
            RecordKind.Resource => ResourceRecord.Parser.ParseFrom(payload),
            RecordKind.Booking => BookingRecord.Parser.ParseFrom(payload),
            RecordKind.NodeAccount => NodeAccountRecord.Parser.ParseFrom(payload),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
        };
        return message.ToByteArray();
    }

    /// <summary>SHA-256 of one record's encoding (see the remarks) into <paramref name="hash"/>.</summary>
    public static void HashRecord(RecordKind kind, string entityId, string doorId, ReadOnlySpan<byte> payload, Span<byte> hash)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        ArgumentNullException.ThrowIfNull(doorId);
        var length = 4 + 4 + Encoding.UTF8.GetByteCount(entityId) + 4 + Encoding.UTF8.GetByteCount(doorId) + 4 + payload.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var at = 0;
            BinaryPrimitives.WriteInt32LittleEndian(buffer, (int)kind);
            at += 4;
            at += WriteString(buffer[at..], entityId);
            at += WriteString(buffer[at..], doorId);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], (uint)payload.Length);
            at += 4;
            payload.CopyTo(buffer[at..]);
            at += payload.Length;
            SHA256.HashData(buffer[..at], hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)written);
        return 4 + written;
    }
}
