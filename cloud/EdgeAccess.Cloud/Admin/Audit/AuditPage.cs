using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud.Admin.Common;

namespace EdgeAccess.Cloud.Admin.Audit;

/// <summary>
/// Keyset paging over the audit trail's <c>bigint</c> ids, newest first: a page holds entries with
/// an id below <see cref="Before"/>. The opaque token carries that id plus a fingerprint of the
/// filter (as <see cref="Page"/> does for UUID keys), so it cannot be replayed on another filter.
/// Entries committed after the first page was read never shift later pages.
/// </summary>
public readonly record struct AuditPage(long? Before, int Size)
{
    /// <summary>Reads page_size and page_token (fields named for the error message).</summary>
    public static AuditPage From(int pageSize, string pageToken, string filterFingerprint)
    {
        if (pageSize < 0 || pageSize > Page.MaxSize)
        {
            throw ApiErrors.Invalid("page_size", $"must be between 0 and {Page.MaxSize}");
        }

        var size = pageSize == 0 ? Page.DefaultSize : pageSize;
        if (string.IsNullOrEmpty(pageToken))
        {
            return new AuditPage(null, size);
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

        if (raw.Length != 8 + 8 || !raw.AsSpan(8).SequenceEqual(Fingerprint(filterFingerprint)))
        {
            throw ApiErrors.Invalid("page_token", "does not belong to this query (the filter changed?)");
        }

        return new AuditPage(BinaryPrimitives.ReadInt64BigEndian(raw), size);
    }

    /// <summary>
    /// The token for the next page: empty when <paramref name="fetched"/> (queried with
    /// <c>Size + 1</c> rows, id descending) did not overflow the page; trims the extra row.
    /// </summary>
    public string NextToken<T>(List<T> fetched, Func<T, long> id, string filterFingerprint)
    {
        if (fetched.Count <= Size)
        {
            return "";
        }

        fetched.RemoveRange(Size, fetched.Count - Size);
        var raw = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(raw, id(fetched[^1]));
        Fingerprint(filterFingerprint).CopyTo(raw, 8);
        return Base64Url.EncodeToString(raw);
    }

    private static byte[] Fingerprint(string filter) => SHA256.HashData(Encoding.UTF8.GetBytes(filter))[..8];
}
