using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Sync;

/// <summary>
/// Uploads on a sync stream and waits for the hub's journal ack. The hub reads a stream's messages
/// in order, so once the ack of an upload arrives, everything the node sent before it (an account
/// report, an earlier upload) has been handled.
/// </summary>
public static class JournalBarrier
{
    /// <summary>Sends <paramref name="events"/> (none: an empty upload) and returns the ack's through_seq.</summary>
    public static async Task<long> UploadAsync(this AsyncDuplexStreamingCall<EdgeMessage, HubMessage> call, params JournalEvent[] events)
    {
        var upload = new JournalUpload();
        upload.Events.AddRange(events);
        await call.RequestStream.WriteAsync(new EdgeMessage { Journal = upload }).WithTimeout();
        while (true)
        {
            Assert.True(await call.ResponseStream.MoveNext().WithTimeout(), "the hub ended the stream");
            if (call.ResponseStream.Current.MessageCase == HubMessage.MessageOneofCase.JournalAck)
            {
                return call.ResponseStream.Current.JournalAck.ThroughSeq;
            }
        }
    }

    /// <summary>Sends an OS account report, then waits until the hub handled it.</summary>
    public static async Task ReportAccountsAsync(this AsyncDuplexStreamingCall<EdgeMessage, HubMessage> call, params (long Uid, string Name)[] accounts)
    {
        var report = new NodeAccounts();
        report.Accounts.AddRange(accounts.Select(a => new OsAccount { Uid = a.Uid, Name = a.Name, FullName = a.Name + " (GECOS)" }));
        await call.RequestStream.WriteAsync(new EdgeMessage { Accounts = report }).WithTimeout();
        await call.UploadAsync();
    }
}
