using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud.Admin.Common;

namespace EdgeAccess.Cloud.Journal;

/// <summary>The keyset position of a stored event: the query API's sort key, newest first.</summary>
internal readonly record struct JournalKey(DateTimeOffset OccurredAt, string NodeId, long Seq);

/// <summary>
/// Keyset paging over the journal, newest first on (occurred_at, node_id, seq): a page holds the
/// events below <see cref="Before"/>. The opaque token is a filter fingerprint (8 bytes, as in
/// <see cref="Page"/>), occurred_at in microseconds since the Unix epoch, seq (8 bytes each, big
/// endian) and the node id (UTF-8), base64url. Events stored after the first page never shift later
/// pages, and a token used with other filters is refused.
/// </summary>
internal readonly record struct JournalPage(JournalKey? Before, int Size)
{
    /// <summary>Page size when the request leaves it at 0.</summary>
    public const int DefaultSize = 100;

    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxSize = 1000;

    private const int FingerprintLength = 8;
    private const int FixedLength = FingerprintLength + 16;

    /// <summary>Reads page_size and page_token (fields named in the errors).</summary>
    public static JournalPage From(int pageSize, string pageToken, string filter)
    {
        if (pageSize is < 0 or > MaxSize)
        {
            throw ApiErrors.Invalid("page_size", $"must be between 0 and {MaxSize}");
        }

        var size = pageSize == 0 ? DefaultSize : pageSize;
        if (string.IsNullOrEmpty(pageToken))
        {
            return new JournalPage(null, size);
        }

        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(pageToken);
        }
        catch (FormatException)
        {
            throw ApiErrors.Invalid("page_token", "is malformed");
        }

        if (raw.Length <= FixedLength || !raw.AsSpan(0, FingerprintLength).SequenceEqual(Fingerprint(filter)))
        {
            throw ApiErrors.Invalid("page_token", "does not belong to this query (the filters changed?)");
        }

        var micros = BinaryPrimitives.ReadInt64BigEndian(raw.AsSpan(FingerprintLength));
        var seq = BinaryPrimitives.ReadInt64BigEndian(raw.AsSpan(FingerprintLength + 8));
        string nodeId;
        try
        {
            nodeId = new UTF8Encoding(false, true).GetString(raw, FixedLength, raw.Length - FixedLength);
        }
        catch (ArgumentException)
        {
            throw ApiErrors.Invalid("page_token", "is malformed");
        }

        const long maxMicros = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z
        if (micros is < -62_135_596_800_000_000 or > maxMicros || seq <= 0)
        {
            throw ApiErrors.Invalid("page_token", "is malformed");
        }

        return new JournalPage(new JournalKey(DateTimeOffset.UnixEpoch.AddTicks(micros * 10), nodeId, seq), size);
    }

    /// <summary>
    /// The token of the next page: empty when <paramref name="fetched"/> (read with
    /// <see cref="Size"/> + 1 rows) fits the page; otherwise trims the extra row.
    /// </summary>
    public string NextToken<T>(List<T> fetched, Func<T, JournalKey> key, string filter)
    {
        if (fetched.Count <= Size)
        {
            return "";
        }

        fetched.RemoveRange(Size, fetched.Count - Size);
        var last = key(fetched[^1]);
        var node = Encoding.UTF8.GetBytes(last.NodeId);
        var raw = new byte[FixedLength + node.Length];
        Fingerprint(filter).CopyTo(raw, 0);
        BinaryPrimitives.WriteInt64BigEndian(raw.AsSpan(FingerprintLength), (last.OccurredAt - DateTimeOffset.UnixEpoch).Ticks / 10);
        BinaryPrimitives.WriteInt64BigEndian(raw.AsSpan(FingerprintLength + 8), last.Seq);
        node.CopyTo(raw, FixedLength);
        return Base64Url.EncodeToString(raw);
    }

    private static byte[] Fingerprint(string filter) => SHA256.HashData(Encoding.UTF8.GetBytes(filter))[..FingerprintLength];
}
