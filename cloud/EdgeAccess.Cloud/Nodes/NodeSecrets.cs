using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>
/// The node credentials. An enrollment code is 128 random bits in Crockford base32 (26 characters,
/// no I, L, O or U), shown in dash-separated groups of four; typing ignores case and dashes and reads
/// O as 0 and I/L as 1. A node token is <c>node.&lt;node_id&gt;.&lt;secret&gt;</c> with 256 random
/// bits as unpadded base64url. Only SHA-256 of either is stored: random secrets of that size need no
/// salt or slow hash. The node id inside the token makes the lookup a primary-key read.
/// </summary>
internal static class NodeSecrets
{
    /// <summary>Characters of an enrollment code without dashes.</summary>
    public const int CodeLength = 26;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string TokenPrefix = "node.";
    private const string Scheme = "Node ";
    private const int SecretLength = 43;

    /// <summary>True for a valid node id: 3 to 63 characters of <c>[a-z0-9-]</c>.</summary>
    public static bool IsValidNodeId(string id) =>
        id.Length is >= 3 and <= 63 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <summary>A new enrollment code, e.g. <c>7KQ2-M9XD-...-4F</c>.</summary>
    public static string NewEnrollmentCode()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var text = new StringBuilder(CodeLength + 6);
        int buffer = 0, bits = 0;
        foreach (var b in random)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                Append(text, Alphabet[(buffer >> bits) & 31]);
            }
        }

        Append(text, Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();

        static void Append(StringBuilder text, char c)
        {
            if (text.Length % 5 == 4)
            {
                text.Append('-');
            }

            text.Append(c);
        }
    }

    /// <summary>The canonical form of a typed code (what is hashed), or null when it cannot be one.</summary>
    public static string? NormalizeCode(string typed)
    {
        var canonical = new StringBuilder(CodeLength);
        foreach (var raw in typed)
        {
            if (raw is '-' or ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (!Alphabet.Contains(c, StringComparison.Ordinal) || canonical.Length == CodeLength)
            {
                return null;
            }

            canonical.Append(c);
        }

        return canonical.Length == CodeLength ? canonical.ToString() : null;
    }

    /// <summary>A new node token for <paramref name="nodeId"/>.</summary>
    public static string NewToken(string nodeId) => TokenPrefix + nodeId + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The node id a well-formed token names, or null.</summary>
    public static string? NodeIdOf(string token)
    {
        var dot = token.LastIndexOf('.');
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || dot <= TokenPrefix.Length || token.Length - dot - 1 != SecretLength
            || !Base64Url.IsValid(token.AsSpan(dot + 1)))
        {
            return null;
        }

        var id = token[TokenPrefix.Length..dot];
        return IsValidNodeId(id) ? id : null;
    }

    /// <summary>The token of <c>authorization: Node &lt;token&gt;</c> (scheme case-insensitive), or null.</summary>
    public static string? FromHeader(string? header) =>
        header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;

    /// <summary>What the database stores for a code (canonical form) or a token.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time comparison of a stored hash with a presented one.</summary>
    public static bool Matches(byte[]? stored, byte[] presented) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(stored, presented);
}
