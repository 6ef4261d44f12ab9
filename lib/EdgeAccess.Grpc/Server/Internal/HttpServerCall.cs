using EdgeAccess.Grpc.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>
/// One gRPC call on the server: the <see cref="ServerCallContext"/> the handler sees, plus the
/// transport work. Split by aspect: reading (<c>.Read.cs</c>), writing and ending (<c>.Write.cs</c>),
/// deadline (<c>.Deadline.cs</c>).
/// </summary>
internal sealed partial class HttpServerCall : ServerCallContext, IDisposable
{
    private readonly HttpContext _http;
    private readonly IMethod _method;
    private readonly GrpcServerOptions _options;
    private readonly TimeProvider _time;
    private readonly GrpcWebFeature? _web;
    private readonly CancellationTokenSource _cts;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private Dictionary<object, object?>? _userState;
    private DateTime _deadline = DateTime.MaxValue;
    private string? _requestEncoding;
    private bool _lastRequestCompressed;

    public HttpServerCall(HttpContext http, IMethod method, GrpcServerOptions options, TimeProvider time)
    {
        _http = http;
        _method = method;
        _options = options;
        _time = time;
        _web = http.Features.Get<GrpcWebFeature>();
        _cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        Status = Status.DefaultSuccess;
        ResponseCompression = options.ResponseCompression;
    }

    public override string Method => _method.FullName;

    public override string Peer
    {
        get
        {
            var connection = _http.Connection;
            return connection.RemoteIpAddress switch
            {
                null => "unknown",
                { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{connection.RemotePort}",
                var ip => $"ipv4:{ip}:{connection.RemotePort}",
            };
        }
    }

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders
    {
        get
        {
            if (_requestHeaders is null)
            {
                _requestHeaders = [];
                MetadataCodec.AddHeaders(_requestHeaders, _http.Request.Headers);
            }

            return _requestHeaders;
        }
    }

    public override CancellationToken CancellationToken => _cts.Token;

    public override Metadata ResponseTrailers => _responseTrailers ??= [];

    public override Status Status { get; set; }

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseCompression { get; set; }

    public override string? RequestCompression => _requestEncoding;

    public override bool LastRequestCompressed => _lastRequestCompressed;

    public override IDictionary<object, object?> UserState => _userState ??= [];

    /// <summary>True once the deadline passed; the call has then been ended with DEADLINE_EXCEEDED.</summary>
    public bool DeadlineExceeded { get; private set; }

    /// <summary>The gRPC-web mode of the request.</summary>
    public GrpcWebMode WebMode => _web?.Mode ?? GrpcWebMode.None;

    public override HttpContext GetHttpContext() => _http;

    /// <summary>
    /// Validates the call's protocol headers and arms the deadline. Throws <see cref="RpcException"/>
    /// for what the client got wrong; the caller turns it into a Trailers-Only response.
    /// </summary>
    public void Initialize()
    {
        var encoding = _http.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
        _requestEncoding = string.IsNullOrEmpty(encoding) ? null : encoding;
        if (!GrpcCompression.IsSupported(_requestEncoding))
        {
            // doc/compression.md: an unsupported request encoding is UNIMPLEMENTED, and the
            // response names the encodings we do accept.
            _http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcCompression.AcceptEncodingValue;
            throw new RpcException(new Status(StatusCode.Unimplemented,
                $"Unsupported grpc-encoding value '{_requestEncoding}'. Supported encodings: {GrpcCompression.AcceptEncodingValue}"));
        }

        var timeoutHeader = _http.Request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var timeout))
            {
                throw new RpcException(new Status(StatusCode.Internal, $"Invalid grpc-timeout header value '{timeoutHeader}'."));
            }

            ArmDeadline(timeout);
        }

        if (_http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            // A stream may carry any number of messages; each one is limited on its own.
            bodySize.MaxRequestBodySize = null;
        }

        if (_http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            // Streams may legitimately stay idle, and Kestrel enforces its rate by resetting the
            // whole HTTP/2 connection. Calls are bounded instead by deadlines, keepalive pings, the
            // stream limit and, for single-request calls, SingleRequestReadTimeout.
            rate.MinDataRate = null;
        }
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _cts.Dispose();
        _writeLock.Dispose();
    }
}
