namespace EdgeAccess.Grpc.Web;

/// <summary>gRPC-web and browser access, bound from the <c>Grpc:Web</c> configuration section.</summary>
public sealed class GrpcWebOptions
{
    /// <summary>Browser origins allowed to call (CORS), e.g. <c>https://admin.example.org</c>. Empty: no cross-origin calls.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Response headers and trailers, besides the gRPC ones, that browser code may read (e.g. custom metadata keys).</summary>
    public IList<string> ExposedHeaders { get; } = [];

    /// <summary>How long a browser may cache a CORS preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}
