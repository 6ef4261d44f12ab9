using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Tests.Probes;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Tests.Infrastructure;

/// <summary>The test-only <c>edgeaccess.tests.ProbeService</c>; see Protos/edgeaccess/tests/probe.proto.</summary>
public sealed class ProbeServiceImpl(ProbeState probe) : ProbeService.ServiceBase
{
    public override Task<ProbeReply> Echo(ProbeRequest request, ServerCallContext context)
    {
        probe.HandlerCalled();
        probe.Events.Enqueue("handler");
        var reply = new ProbeReply { Key = request.Key };
        reply.Metadata.AddRange(context.RequestHeaders.Where(e => !e.IsBinary).Select(e => $"{e.Key}={e.Value}"));
        return Task.FromResult(reply);
    }

    public override Task<ProbeReply> Fail(ProbeRequest request, ServerCallContext context)
    {
        probe.HandlerCalled();
        throw new InvalidOperationException(request.Text);
    }

    public override async Task<ProbeReply> WaitForCancellation(ProbeRequest request, ServerCallContext context)
    {
        probe.HandlerCalled();
        var signals = probe.For(request.Key);
        signals.Started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            signals.Cancelled.TrySetResult();
            throw;
        }

        return new ProbeReply();
    }

    public override async Task Hold(ProbeRequest request, IServerStreamWriter<ProbeReply> responseStream, ServerCallContext context)
    {
        probe.HandlerCalled();
        probe.Enter();
        try
        {
            await responseStream.WriteAsync(new ProbeReply { Key = request.Key });
            await probe.Release.Task.WaitAsync(context.CancellationToken);
        }
        finally
        {
            probe.Exit();
        }
    }

    public override async Task Produce(ProbeRequest request, IServerStreamWriter<ProbeReply> responseStream, ServerCallContext context)
    {
        probe.HandlerCalled();
        var signals = probe.For(request.Key);
        var payload = ByteString.CopyFrom(new byte[request.Size]);
        signals.Started.TrySetResult();
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new ProbeReply { Payload = payload });
            signals.WriteCompleted();
        }

        signals.AllWritten.TrySetResult();
    }
}
