using System.IO.Compression;

namespace EdgeAccess.Grpc.Protocol;

/// <summary>
/// Message compression (gRPC doc/compression.md). Only gzip is offered: it is the one encoding
/// every gRPC implementation supports. Decompression is bounded so a small compressed message
/// cannot expand past the receive limit ("zip bomb").
/// </summary>
internal static class GrpcCompression
{
    public const string Gzip = "gzip";

    /// <summary>The value of <c>grpc-accept-encoding</c> we send.</summary>
    public const string AcceptEncodingValue = "identity,gzip";

    public static bool IsSupported(string? encoding) =>
        encoding is null ||
        string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase);

    public static bool IsIdentity(string? encoding) =>
        encoding is null || string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a <c>grpc-accept-encoding</c> list names <paramref name="encoding"/>.</summary>
    public static bool Accepts(string? acceptEncoding, string encoding)
    {
        if (acceptEncoding is null)
        {
            return false;
        }

        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(part, encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 32);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Decompresses; null when the output would exceed <paramref name="maxSize"/>.</summary>
    public static byte[]? Decompress(ReadOnlySpan<byte> data, int maxSize)
    {
        using var input = new MemoryStream(data.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (output.Length + read > maxSize)
            {
                return null;
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
