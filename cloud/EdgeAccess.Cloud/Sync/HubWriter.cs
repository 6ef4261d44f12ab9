using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Sync;

/// <summary>
/// Serializes writes to one sync stream's response: the feed tail, the journal acks of the reader
/// and the command pump all write, and an HTTP/2 stream takes one message at a time.
/// </summary>
internal sealed class HubWriter(IServerStreamWriter<HubMessage> writer) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteAsync(HubMessage message, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await writer.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
