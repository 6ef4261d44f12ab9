using System.Diagnostics;
using EdgeAccess.Grpc.Protocol;
using EdgeAccess.Grpc.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>
/// Runs one call from the HTTP request to the status: protocol checks, the handler, mapping of
/// failures to status codes, telemetry. Shared by every method of every service.
/// </summary>
internal sealed class ServerCallRunner(GrpcServerOptions options, TimeProvider time, ILogger logger)
{
    public GrpcServerOptions Options => options;

    public async Task RunAsync(HttpContext http, IMethod method, Func<HttpServerCall, Task> body)
    {
        if (!CheckProtocol(http, logger))
        {
            return;
        }

        var started = time.GetTimestamp();
        GrpcTelemetry.ServerCallsStarted.Add(1,
            new KeyValuePair<string, object?>("rpc.service", method.ServiceName),
            new KeyValuePair<string, object?>("rpc.method", method.Name));
        var activity = GrpcTelemetry.StartActivity(method, ActivityKind.Server, RemoteParent(http));
        using var call = new HttpServerCall(http, method, options, time);
        var status = Status.DefaultSuccess;
        try
        {
            call.Initialize();
            await body(call).ConfigureAwait(false);
            status = call.Status;
        }
        catch (Exception) when (call.DeadlineExceeded)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            GrpcServerLog.DeadlineExceeded(logger, method.FullName);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            status = Status.DefaultCancelled;
            GrpcServerLog.CallCancelled(logger, method.FullName);
        }
        catch (RpcException ex)
        {
            status = ex.Status;
            foreach (var entry in ex.Trailers)
            {
                call.ResponseTrailers.Add(entry);
            }

            GrpcServerLog.CallFailed(logger, method.FullName, status.StatusCode, status.Detail);
        }
        catch (Exception ex)
        {
            GrpcServerLog.HandlerException(logger, method.FullName, ex);
            status = new Status(StatusCode.Internal, options.EnableDetailedErrors
                ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                : "Exception was thrown by handler.");
        }

        if (call.DeadlineExceeded)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            try
            {
                await call.EndCallAsync(status).ConfigureAwait(false);
            }
            catch (Exception) when (http.RequestAborted.IsCancellationRequested)
            {
                status = Status.DefaultCancelled;
            }
        }
        else if (status.StatusCode == StatusCode.OK)
        {
            status = Status.DefaultCancelled;
        }

        GrpcTelemetry.Complete(activity, status);
        GrpcTelemetry.RecordDuration(GrpcTelemetry.ServerDuration, method, status, time.GetElapsedTime(started));
    }

    /// <summary>
    /// The caller's span from the W3C <c>traceparent</c> / <c>tracestate</c> metadata, when ASP.NET
    /// Core has not already made it the current activity (it does so only while something listens).
    /// </summary>
    private static ActivityContext RemoteParent(HttpContext http)
    {
        if (Activity.Current is not null)
        {
            return default;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(http.Request.Headers,
            static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                var header = ((IHeaderDictionary)carrier!)[name];
                value = header.Count == 0 ? null : header.ToString();
            },
            out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent) ? parent : default;
    }

    /// <summary>
    /// PROTOCOL-HTTP2: a content-type that is not gRPC gets HTTP 415; native gRPC needs HTTP/2
    /// (gRPC-web requests, marked by the gRPC-web middleware, may use HTTP/1.1).
    /// </summary>
    public static bool CheckProtocol(HttpContext http, ILogger logger)
    {
        var contentType = http.Request.ContentType;
        var isWeb = http.Features.Get<GrpcWebFeature>() is not null;
        if (!isWeb && !GrpcProtocol.IsGrpcContentType(contentType))
        {
            GrpcServerLog.UnsupportedContentType(logger, http.Request.Path, contentType ?? string.Empty);
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            http.Response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode($"Content-Type '{contentType}' is not supported.");
            return false;
        }

        if (!isWeb && !HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            GrpcServerLog.UnsupportedProtocol(logger, http.Request.Path, http.Request.Protocol);
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode($"Request protocol '{http.Request.Protocol}' is not supported.");
            return false;
        }

        return true;
    }
}
