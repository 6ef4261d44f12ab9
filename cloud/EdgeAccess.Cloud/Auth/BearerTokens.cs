using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Grpc;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// The hub's opaque bearer tokens: base64url (no padding) of 32 random bytes. Only the SHA-256 of
/// the token's UTF-8 text is stored (sessions.access_hash / refresh_hash); a 256-bit random secret
/// needs no salt or slow hash, and a database leak yields nothing that signs in.
/// </summary>
internal static class BearerTokens
{
    /// <summary>Characters in a token: 32 bytes as unpadded base64url.</summary>
    public const int Length = 43;

    private const string Scheme = "Bearer ";

    /// <summary>A new random token.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>What the database stores for <paramref name="token"/>.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when <paramref name="token"/> could be one of ours (checked before any query).</summary>
    public static bool IsWellFormed(string token) => token.Length == Length && Base64Url.IsValid(token);

    /// <summary>
    /// The token of the <c>authorization: Bearer &lt;token&gt;</c> metadata (RFC 6750 section 2.1;
    /// the scheme is case-insensitive), or null when there is none.
    /// </summary>
    public static string? FromHeaders(Metadata headers)
    {
        var value = headers.GetValue("authorization");
        if (value is null || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return value[Scheme.Length..].Trim();
    }
}
