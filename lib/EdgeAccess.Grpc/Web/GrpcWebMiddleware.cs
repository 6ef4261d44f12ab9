using EdgeAccess.Grpc.Protocol;
using EdgeAccess.Grpc.Server.Internal;
using Microsoft.AspNetCore.Http;

namespace EdgeAccess.Grpc.Web;

/// <summary>
/// Serves gRPC-web (PROTOCOL-WEB) on the same endpoints as gRPC, over HTTP/1.1 and HTTP/2:
/// recognises <c>application/grpc-web[+proto]</c> and <c>application/grpc-web-text[+proto]</c>,
/// decodes base64 request bodies, and marks the request so the call writes trailers as a final
/// 0x80 frame (base64 too, for the text mode) instead of HTTP trailers.
/// </summary>
internal sealed class GrpcWebMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (HttpMethods.IsPost(http.Request.Method) && TryGetMode(http.Request.ContentType, out var mode, out var responseContentType))
        {
            http.Features.Set(new GrpcWebFeature(mode, responseContentType));
            if (mode == GrpcWebMode.Text)
            {
                http.Request.Body = new Base64DecodingStream(http.Request.Body);
            }
        }

        return next(http);
    }

    internal static bool TryGetMode(string? contentType, out GrpcWebMode mode, out string responseContentType)
    {
        mode = GrpcWebMode.None;
        responseContentType = string.Empty;
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        // Only protobuf payloads are served: "+proto" or no suffix.
        if (mediaType.Equals(GrpcProtocol.ContentTypeGrpcWebText, StringComparison.OrdinalIgnoreCase) ||
            mediaType.Equals(GrpcProtocol.ContentTypeGrpcWebText + "+proto", StringComparison.OrdinalIgnoreCase))
        {
            mode = GrpcWebMode.Text;
        }
        else if (mediaType.Equals(GrpcProtocol.ContentTypeGrpcWeb, StringComparison.OrdinalIgnoreCase) ||
                 mediaType.Equals(GrpcProtocol.ContentTypeGrpcWeb + "+proto", StringComparison.OrdinalIgnoreCase))
        {
            mode = GrpcWebMode.Binary;
        }
        else
        {
            return false;
        }

        // Answer in the same format the client used.
        responseContentType = mediaType.ToLowerInvariant();
        return true;
    }
}
