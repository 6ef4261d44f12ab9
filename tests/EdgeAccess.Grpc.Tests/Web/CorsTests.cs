using System.Net;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Web;

/// <summary>
/// Browsers call gRPC-web cross-origin: a CORS preflight (OPTIONS) first, then the POST, whose
/// gRPC headers the page may read only if the response exposes them.
/// </summary>
public sealed class CorsTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";

    [Fact]
    public async Task Preflight_AllowedOrigin_AllowsOriginAndPost()
    {
        using var response = await PreflightAsync(GrpcTestServer.AllowedOrigin);

        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
        Assert.Equal(GrpcTestServer.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AllowedOrigin_ExposesGrpcStatusHeaders()
    {
        using var client = fixture.Server.CreateRawClient(http2: false);
        var request = RawGrpc.Request(UnaryCall, new SimpleRequest(), "application/grpc-web", http2: false);
        request.Headers.TryAddWithoutValidation("Origin", GrpcTestServer.AllowedOrigin);

        var response = await RawGrpc.SendAsync(client, request);

        Assert.Equal(GrpcTestServer.AllowedOrigin, response.Header("Access-Control-Allow-Origin"));
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("grpc-status", exposed);
        Assert.Contains("grpc-message", exposed);
    }

    [Fact]
    public async Task Preflight_DisallowedOrigin_NoAllowOriginHeader()
    {
        using var response = await PreflightAsync("https://evil.example");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var client = fixture.Server.CreateRawClient(http2: false);
        using var request = new HttpRequestMessage(HttpMethod.Options, UnaryCall) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent");
        return await client.SendAsync(request).WaitAsync(TestTimeouts.Call);
    }
}
