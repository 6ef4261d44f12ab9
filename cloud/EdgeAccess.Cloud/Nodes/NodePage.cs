using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud.Admin.Common;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>
/// Keyset paging over node ids (text, unlike the UUID keys of <see cref="Page"/>): the opaque token
/// holds a fingerprint of the filter and the last id returned, so it cannot be replayed against
/// another filter.
/// </summary>
internal static class NodePage
{
    private const int FingerprintLength = 8;

    /// <summary>Reads page_size and page_token: the id to start after (null: first page) and the size.</summary>
    public static (string? After, int Size) From(int pageSize, string pageToken, string filter)
    {
        var size = Page.From(pageSize, "", filter).Size;
        if (string.IsNullOrEmpty(pageToken))
        {
            return (null, size);
        }

        try
        {
            var raw = Base64Url.DecodeFromChars(pageToken);
            if (raw.Length <= FingerprintLength || !raw.AsSpan(0, FingerprintLength).SequenceEqual(Fingerprint(filter)))
            {
                throw ApiErrors.Invalid("page_token", "does not belong to this query (the filter changed?)");
            }

            return (Encoding.UTF8.GetString(raw.AsSpan(FingerprintLength)), size);
        }
        catch (FormatException)
        {
            throw ApiErrors.Invalid("page_token", "is malformed");
        }
    }

    /// <summary>The token of the next page (empty when <paramref name="fetched"/>, read with size + 1, fits the page).</summary>
    public static string NextToken(List<Stored.Node> fetched, int size, string filter)
    {
        if (fetched.Count <= size)
        {
            return "";
        }

        fetched.RemoveRange(size, fetched.Count - size);
        return Base64Url.EncodeToString([.. Fingerprint(filter), .. Encoding.UTF8.GetBytes(fetched[^1].Id)]);
    }

    private static byte[] Fingerprint(string filter) => SHA256.HashData(Encoding.UTF8.GetBytes(filter))[..FingerprintLength];
}
