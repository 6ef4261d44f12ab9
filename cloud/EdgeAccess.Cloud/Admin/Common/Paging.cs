using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAccess.Cloud.Admin.Common;

/// <summary>
/// Keyset paging for list RPCs: results are ordered by id (UUIDv7, so creation order) and the
/// opaque page token carries the last id returned plus a fingerprint of the filter, so a token
/// cannot be replayed against a different filter. Stable under concurrent inserts and deletes.
/// </summary>
public readonly record struct Page(Guid? After, int Size)
{
    /// <summary>Page size when the request leaves it at 0.</summary>
    public const int DefaultSize = 50;

    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxSize = 500;

    /// <summary>Reads page_size and page_token (fields named for the error message).</summary>
    public static Page From(int pageSize, string pageToken, string filterFingerprint)
    {
        if (pageSize < 0 || pageSize > MaxSize)
        {
            throw ApiErrors.Invalid("page_size", $"must be between 0 and {MaxSize}");
        }

        var size = pageSize == 0 ? DefaultSize : pageSize;
        if (string.IsNullOrEmpty(pageToken))
        {
            return new Page(null, size);
        }

        try
        {
            var raw = Base64Url.DecodeFromChars(pageToken);
            if (raw.Length != 16 + 8 || !raw.AsSpan(16).SequenceEqual(Fingerprint(filterFingerprint)))
            {
                throw ApiErrors.Invalid("page_token", "does not belong to this query (the filter changed?)");
            }

            return new Page(new Guid(raw.AsSpan(0, 16)), size);
        }
        catch (FormatException)
        {
            throw ApiErrors.Invalid("page_token", "is malformed");
        }
    }

    /// <summary>
    /// The token for the next page: empty when <paramref name="fetched"/> (queried with
    /// <c>Size + 1</c> rows) did not overflow the page.
    /// </summary>
    public string NextToken<T>(List<T> fetched, Func<T, Guid> id, string filterFingerprint)
    {
        if (fetched.Count <= Size)
        {
            return "";
        }

        fetched.RemoveRange(Size, fetched.Count - Size);
        var raw = new byte[24];
        id(fetched[^1]).TryWriteBytes(raw);
        Fingerprint(filterFingerprint).CopyTo(raw, 16);
        return Base64Url.EncodeToString(raw);
    }

    private static byte[] Fingerprint(string filter) => SHA256.HashData(Encoding.UTF8.GetBytes(filter))[..8];
}
