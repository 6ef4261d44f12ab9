using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace EdgeAccess.Grpc.Telemetry;

/// <summary>
/// Spans and metrics of the gRPC layer, following the OpenTelemetry RPC semantic conventions:
/// a span per call named <c>{service}/{method}</c> with <c>rpc.system=grpc</c>, <c>rpc.service</c>,
/// <c>rpc.method</c> and <c>rpc.grpc.status_code</c>, and the <c>rpc.server.duration</c> /
/// <c>rpc.client.duration</c> histograms in milliseconds.
/// </summary>
public static class GrpcTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and <see cref="Meter"/>; subscribe to it to collect them.</summary>
    public const string Name = "EdgeAccess.Grpc";

    internal static readonly string Version =
        typeof(GrpcTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";

    internal static readonly ActivitySource ActivitySource = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Histogram<double> ServerDuration = Meter.CreateHistogram<double>(
        "rpc.server.duration", unit: "ms", description: "Duration of inbound gRPC calls, from the request headers to the status.");

    internal static readonly Histogram<double> ClientDuration = Meter.CreateHistogram<double>(
        "rpc.client.duration", unit: "ms", description: "Duration of outbound gRPC calls, from start to the status.");

    internal static readonly Counter<long> ServerCallsStarted = Meter.CreateCounter<long>(
        "rpc.server.calls.started", unit: "{call}", description: "Inbound gRPC calls started.");

    internal static Activity? StartActivity(IMethod method, ActivityKind kind, ActivityContext parent = default)
    {
        var activity = ActivitySource.StartActivity(method.ServiceName + "/" + method.Name, kind, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.service", method.ServiceName);
            activity.SetTag("rpc.method", method.Name);
        }

        return activity;
    }

    internal static void Complete(Activity? activity, Status status)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("rpc.grpc.status_code", (int)status.StatusCode);
        }

        // OpenTelemetry RPC conventions: on the server only some codes are errors; a client sees
        // every non-OK status as one.
        var isError = activity.Kind == ActivityKind.Client
            ? status.StatusCode != StatusCode.OK
            : status.StatusCode is StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented
                or StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss;
        if (isError)
        {
            activity.SetStatus(ActivityStatusCode.Error, status.StatusCode.ToString());
        }

        activity.Dispose();
    }

    internal static void RecordDuration(Histogram<double> histogram, IMethod method, Status status, TimeSpan elapsed)
    {
        if (!histogram.Enabled)
        {
            return;
        }

        histogram.Record(elapsed.TotalMilliseconds,
            new KeyValuePair<string, object?>("rpc.system", "grpc"),
            new KeyValuePair<string, object?>("rpc.service", method.ServiceName),
            new KeyValuePair<string, object?>("rpc.method", method.Name),
            new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status.StatusCode));
    }
}
