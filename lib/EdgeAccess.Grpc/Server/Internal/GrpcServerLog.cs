using Microsoft.Extensions.Logging;

namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>Log messages of the gRPC server (event ids 1000-1099).</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(EventId = 1000, EventName = "HandlerException", Level = LogLevel.Error,
        Message = "Unhandled exception in the handler of {Method}; the call ends with INTERNAL.")]
    public static partial void HandlerException(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1001, EventName = "CallFailed", Level = LogLevel.Debug,
        Message = "Call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1002, EventName = "UnsupportedContentType", Level = LogLevel.Information,
        Message = "Rejected a call to {Path}: content-type '{ContentType}' is not gRPC (HTTP 415).")]
    public static partial void UnsupportedContentType(ILogger logger, string path, string contentType);

    [LoggerMessage(EventId = 1003, EventName = "UnsupportedProtocol", Level = LogLevel.Information,
        Message = "Rejected a call to {Path}: gRPC needs HTTP/2, the request used {Protocol} (HTTP 426).")]
    public static partial void UnsupportedProtocol(ILogger logger, string path, string protocol);

    [LoggerMessage(EventId = 1004, EventName = "DeadlineExceeded", Level = LogLevel.Debug,
        Message = "Call {Method} passed its deadline.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 1005, EventName = "CallCancelled", Level = LogLevel.Debug,
        Message = "Call {Method} was cancelled by the client.")]
    public static partial void CallCancelled(ILogger logger, string method);

    [LoggerMessage(EventId = 1006, EventName = "UnimplementedMethod", Level = LogLevel.Information,
        Message = "Call to unknown method {Path}: UNIMPLEMENTED.")]
    public static partial void UnimplementedMethod(ILogger logger, string path);
}
