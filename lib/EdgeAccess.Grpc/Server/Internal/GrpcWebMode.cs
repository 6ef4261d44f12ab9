namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>How a request arrived: native gRPC, or gRPC-web binary or base64 text (PROTOCOL-WEB).</summary>
internal enum GrpcWebMode
{
    None,
    Binary,
    Text,
}

/// <summary>Marks a request the gRPC-web middleware translated, with the mode and response content type.</summary>
internal sealed class GrpcWebFeature(GrpcWebMode mode, string responseContentType)
{
    public GrpcWebMode Mode { get; } = mode;

    public string ResponseContentType { get; } = responseContentType;
}
