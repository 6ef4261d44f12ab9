namespace EdgeAccess.Grpc.Protocol;

/// <summary>Names and values fixed by gRPC PROTOCOL-HTTP2 and PROTOCOL-WEB.</summary>
internal static class GrpcProtocol
{
    public const string ContentTypeGrpc = "application/grpc";
    public const string ContentTypeGrpcWeb = "application/grpc-web";
    public const string ContentTypeGrpcWebText = "application/grpc-web-text";

    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string UserAgentHeader = "user-agent";

    /// <summary>The length prefix: a 1-byte compressed flag and a 4-byte big-endian length.</summary>
    public const int HeaderSize = 5;

    /// <summary>The 4 MiB default receive limit that every gRPC implementation uses.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>PROTOCOL-WEB: the MSB of the flag byte marks the trailers frame.</summary>
    public const byte TrailersFrameFlag = 0x80;

    public const string IdentityEncoding = "identity";

    /// <summary>
    /// True for the request headers gRPC itself owns, which never surface as custom metadata
    /// (PROTOCOL-HTTP2: reserved names start with "grpc-"; HTTP/2 pseudo-headers and connection
    /// headers are transport).
    /// </summary>
    public static bool IsReservedHeader(string name) =>
        name.Length == 0 ||
        name[0] == ':' ||
        name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-type", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("te", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("connection", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="contentType"/> is a gRPC content type (<c>application/grpc</c>, <c>application/grpc+proto</c>, ...).</summary>
    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null &&
        contentType.StartsWith(ContentTypeGrpc, StringComparison.OrdinalIgnoreCase) &&
        (contentType.Length == ContentTypeGrpc.Length || contentType[ContentTypeGrpc.Length] is '+' or ';');
}
