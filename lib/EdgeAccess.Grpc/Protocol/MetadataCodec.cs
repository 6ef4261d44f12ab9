using System.Buffers.Text;
using Microsoft.Extensions.Primitives;

namespace EdgeAccess.Grpc.Protocol;

/// <summary>Converts between <see cref="Metadata"/> and HTTP header fields.</summary>
internal static class MetadataCodec
{
    /// <summary>
    /// Adds the custom metadata among <paramref name="headers"/> to <paramref name="target"/>.
    /// Binary values are base64 and may arrive padded or unpadded; HTTP/2 may also have folded
    /// repeated fields into one comma-separated value, which is split again (PROTOCOL-HTTP2).
    /// </summary>
    public static void AddHeaders(Metadata target, IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                AddOne(target, name, value ?? string.Empty);
            }
        }
    }

    /// <summary>As <see cref="AddHeaders(Metadata, IEnumerable{KeyValuePair{string, StringValues}})"/>, for HttpClient's header shape.</summary>
    public static void AddHeaders(Metadata target, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
    {
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                AddOne(target, name, value);
            }
        }
    }

    /// <summary>The header value for one entry: base64 (padded) for binary entries.</summary>
    public static string ToHeaderValue(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;

    /// <summary>Decodes base64 with or without padding; null if it is not base64.</summary>
    public static byte[]? DecodeBase64(string value)
    {
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding == 3)
        {
            return null;
        }

        var padded = padding == 0 ? trimmed : trimmed + new string('=', padding);
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    private static void AddOne(Metadata target, string name, string value)
    {
        var key = name.ToLowerInvariant();
        if (Metadata.Entry.IsBinaryKey(key))
        {
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // A peer sending malformed base64 must not fail the call: the entry is dropped.
                if (DecodeBase64(part) is { } bytes)
                {
                    target.Add(key, bytes);
                }
            }

            return;
        }

        if (IsValidKey(key) && IsPrintableAscii(value))
        {
            target.Add(key, value);
        }
    }

    private static bool IsValidKey(string key)
    {
        foreach (var c in key)
        {
            if (!(c is (>= '0' and <= '9') or (>= 'a' and <= 'z') or '_' or '-' or '.'))
            {
                return false;
            }
        }

        return key.Length > 0;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
