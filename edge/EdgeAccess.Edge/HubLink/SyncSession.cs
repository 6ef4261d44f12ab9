using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EdgeAccess.Decisions;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.Doors;
using EdgeAccess.Edge.LabPolicy.Accounts;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Edge.HubLink;

/// <summary>Why a session ended without an error.</summary>
internal enum SessionEnd
{
    /// <summary>The hub closed the stream or the node is stopping.</summary>
    Closed,

    /// <summary>The replica must be replaced by a snapshot (forced resync, tampering, feed gap).</summary>
    SnapshotNeeded,
}

/// <summary>
/// One sync stream, opened by the node: Hello with the replica's position; then the hub's snapshot
/// or changes are applied and acknowledged while the node uploads its journal, answers commands
/// and sends heartbeats. Only the writer pump writes to the request stream; everything the node
/// says goes through <see cref="_outbox"/>.
/// </summary>
internal sealed partial class SyncSession
{
    /// <summary>The most journal events per upload message.</summary>
    internal const int UploadBatch = 1000;

    private readonly EdgeSync.Client _client;
    private readonly NodeCredential _credential;
    private readonly ReplicaIndexLoader _loader;
    private readonly DoorControl _doors;
    private readonly SyncStatus _status;
    private readonly EdgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AccountReporter? _accounts;
    private readonly Channel<EdgeMessage> _outbox = Channel.CreateBounded<EdgeMessage>(new BoundedChannelOptions(64) { SingleReader = true });
    private readonly SemaphoreSlim _journalSignal = new(0, 1);
    private long _uploadedThrough;
    private volatile bool _journalReady;
    private SessionEnd _end = SessionEnd.Closed;

    public SyncSession(
        EdgeSync.Client client, NodeCredential credential, ReplicaIndexLoader loader, DoorControl doors, SyncStatus status,
        EdgeOptions options, TimeProvider time, ILogger logger, AccountReporter? accounts = null)
    {
        _client = client;
        _credential = credential;
        _loader = loader;
        _doors = doors;
        _status = status;
        _options = options;
        _time = time;
        _logger = logger;
        _accounts = accounts;
    }

    /// <summary>Runs the stream until the hub ends it, it fails (exception), or it must restart from a snapshot.</summary>
    /// <param name="fromSnapshot">Say position 0 in the Hello, so the hub sends a snapshot.</param>
    /// <param name="cancellationToken">Stops the stream (the node is shutting down).</param>
    public async Task<SessionEnd> RunAsync(bool fromSnapshot, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var headers = new Metadata { { "authorization", _credential.Authorization } };
        using var call = _client.Sync(new CallOptions(Headers: headers, CancellationToken: stop.Token));
        var store = _loader.Store;
        var position = fromSnapshot || store.SiteId != _credential.SiteId ? 0 : store.Position;
        await _outbox.Writer.WriteAsync(new EdgeMessage
        {
            Hello = new SyncHello { NodeId = _credential.NodeId, SiteId = _credential.SiteId, ReplicaPosition = position, SchemaVersion = SchemaVersion },
        }, stop.Token).ConfigureAwait(false);

        var journal = _loader.Journal;
        EventHandler appended = (_, _) => Signal();
        journal.Appended += appended;
        var writer = PumpAsync(call.RequestStream, stop.Token);
        var heartbeats = HeartbeatAsync(stop.Token);
        var uploads = UploadAsync(stop.Token);
        var accountReports = ReportAccountsAsync(stop.Token); // after the hello, already queued
        SyncLog.StreamOpened(_logger, _credential.NodeId, position);
        try
        {
            await ReadAsync(call.ResponseStream, stop, cancellationToken).ConfigureAwait(false);
            return _end;
        }
        finally
        {
            journal.Appended -= appended;
            _status.Disconnected();
            // Let what is already queued go out first (e.g. the result of a resync command), briefly:
            // the pump half-closes the stream after the last message, and the hub ends the call once
            // it has read everything. Cancelling before that would reset the stream and could drop
            // messages the hub had received but not yet read.
            _outbox.Writer.TryComplete();
            using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(3), _time))
            {
                await Task.WhenAny(writer, Task.Delay(Timeout.Infinite, drain.Token)).ConfigureAwait(false);
                if (writer.IsCompletedSuccessfully && !cancellationToken.IsCancellationRequested)
                {
                    await Quietly(DrainAsync(call.ResponseStream, drain.Token)).ConfigureAwait(false);
                }
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(writer), Quietly(heartbeats), Quietly(uploads), Quietly(accountReports)).ConfigureAwait(false);
            _journalSignal.Dispose();
        }
    }

    /// <summary>The replica schema version the node speaks (sync.proto's Hello).</summary>
    internal const int SchemaVersion = 1;

    private async Task ReadAsync(IAsyncStreamReader<HubMessage> responses, CancellationTokenSource stop, CancellationToken outer)
    {
        var silence = SilenceLimit;
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        watchdog.CancelAfter(silence);
        try
        {
            while (await responses.MoveNext(watchdog.Token).ConfigureAwait(false))
            {
                watchdog.CancelAfter(silence);
                var message = responses.Current;
                _status.Heard(_time.GetUtcNow());
                switch (message.MessageCase)
                {
                    case HubMessage.MessageOneofCase.SnapshotBegin:
                        await ApplySnapshotAsync(responses, message.SnapshotBegin, watchdog, silence).ConfigureAwait(false);
                        break;
                    case HubMessage.MessageOneofCase.Changes:
                        await ApplyChangesAsync(message.Changes, stop.Token).ConfigureAwait(false);
                        break;
                    case HubMessage.MessageOneofCase.Heartbeat:
                        await OnHeartbeatAsync(message.Heartbeat, stop.Token).ConfigureAwait(false);
                        break;
                    case HubMessage.MessageOneofCase.JournalAck:
                        await OnJournalAckAsync(message.JournalAck.ThroughSeq, stop.Token).ConfigureAwait(false);
                        break;
                    case HubMessage.MessageOneofCase.Command:
                        await OnCommandAsync(message.Command, stop.Token).ConfigureAwait(false);
                        break;
                    case HubMessage.MessageOneofCase.Digest:
                        await OnDigestAsync(message.Digest, stop.Token).ConfigureAwait(false);
                        break;
                    default:
                        SyncLog.UnknownMessage(_logger, message.MessageCase.ToString());
                        break;
                }

                if (_end == SessionEnd.SnapshotNeeded)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested && !outer.IsCancellationRequested)
        {
            throw new TimeoutException($"The hub sent nothing for {silence.TotalSeconds:F0} s; reconnecting.");
        }
    }

    // The hub beats every 15 s by default; three missed beats mean the link is dead even if TCP has not noticed.
    private TimeSpan SilenceLimit => _options.SyncHeartbeatInterval * 3 < TimeSpan.FromSeconds(45) ? TimeSpan.FromSeconds(45) : _options.SyncHeartbeatInterval * 3;

    private async Task ApplySnapshotAsync(IAsyncStreamReader<HubMessage> responses, SnapshotBegin begin, CancellationTokenSource watchdog, TimeSpan silence)
    {
        using var activity = EdgeTelemetry.ActivitySource.StartActivity("sync.snapshot");
        activity?.SetTag("edgeaccess.site_id", begin.SiteId);
        activity?.SetTag("edgeaccess.position", begin.Position);
        if (begin.SiteId != _credential.SiteId)
        {
            throw new InvalidDataException($"The hub sent a snapshot of site {begin.SiteId}; this node serves {_credential.SiteId}.");
        }

        SyncLog.SnapshotReceiving(_logger, begin.Position, begin.RecordCount);
        var started = _time.GetTimestamp();
        var received = new StrongBox<long>();
        var builder = new DecisionIndex.Builder();
        var count = await _loader.ApplySnapshotAsync(
            ReadSnapshotAsync(responses, begin, received, builder, watchdog, silence), begin.Position, begin.SiteId, builder, watchdog.Token).ConfigureAwait(false);
        SyncLog.SnapshotApplied(_logger, begin.Position, count, _time.GetElapsedTime(started).TotalMilliseconds);
        SyncMetrics.SnapshotRecords.Add(count);
        await AckAsync(begin.Position, watchdog.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// The snapshot's chunks as they arrive; throws (so the apply is abandoned and the previous
    /// replica stays) when the stream ends early, carries something else, or the count is off.
    /// </summary>
    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> ReadSnapshotAsync(
        IAsyncStreamReader<HubMessage> responses, SnapshotBegin begin, StrongBox<long> received, DecisionIndex.Builder builder,
        CancellationTokenSource watchdog, TimeSpan silence)
    {
        while (await responses.MoveNext(watchdog.Token).ConfigureAwait(false))
        {
            watchdog.CancelAfter(silence);
            var message = responses.Current;
            switch (message.MessageCase)
            {
                case HubMessage.MessageOneofCase.SnapshotChunk:
                    var records = new List<ReplicaRecord>(message.SnapshotChunk.Records.Count);
                    foreach (var record in message.SnapshotChunk.Records)
                    {
                        records.Add(ReplicaRecord.FromChange(record));
                        builder.Apply(record); // the index's records, already parsed
                    }

                    received.Value += records.Count;
                    yield return records;
                    break;
                case HubMessage.MessageOneofCase.SnapshotEnd:
                    if (message.SnapshotEnd.Position != begin.Position || received.Value != begin.RecordCount)
                    {
                        throw new InvalidDataException(
                            $"Snapshot at {begin.Position} announced {begin.RecordCount} records, got {received.Value} ending at {message.SnapshotEnd.Position}.");
                    }

                    yield break;
                case HubMessage.MessageOneofCase.Heartbeat:
                    break;
                default:
                    throw new InvalidDataException($"Unexpected {message.MessageCase} inside a snapshot.");
            }
        }

        throw new IOException($"The stream ended inside the snapshot at {begin.Position} after {received.Value} of {begin.RecordCount} records.");
    }

    private async Task ApplyChangesAsync(Changes changes, CancellationToken cancellationToken)
    {
        if (changes.Changes_.Count == 0)
        {
            return;
        }

        using var activity = EdgeTelemetry.ActivitySource.StartActivity("sync.apply");
        var last = changes.Changes_[^1].Position;
        activity?.SetTag("edgeaccess.position", last);
        activity?.SetTag("edgeaccess.changes", changes.Changes_.Count);
        try
        {
            // Publish when caught up; while behind, one rebuild at the end serves every batch.
            var applied = await _loader.ApplyChangesAsync(changes.Changes_, publish: last >= changes.Head, cancellationToken).ConfigureAwait(false);
            SyncMetrics.ChangesApplied.Add(applied);
            if (changes.Changes_[^1].CommittedAt is { } committed)
            {
                SyncMetrics.Propagation.Record((_time.GetUtcNow() - committed.ToDateTimeOffset()).TotalMilliseconds);
            }
        }
        catch (ReplicaGapException ex)
        {
            SyncLog.Gap(_logger, ex.Expected, ex.Actual);
            _end = SessionEnd.SnapshotNeeded;
            return;
        }

        await AckAsync(_loader.Store.Position, cancellationToken).ConfigureAwait(false);
    }

    private async Task OnHeartbeatAsync(HubHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var store = _loader.Store;
        _status.Connected(_time.GetUtcNow(), heartbeat.Head, store.Position);
        if (heartbeat.Head <= store.Position)
        {
            // Caught up: an empty apply records the sync, which renews the offline lease.
            await _loader.ApplyChangesAsync([], publish: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AckAsync(long position, CancellationToken cancellationToken)
    {
        _status.Connected(_time.GetUtcNow(), null, position);
        await _outbox.Writer.WriteAsync(new EdgeMessage { Ack = new SyncAck { Position = position } }, cancellationToken).ConfigureAwait(false);
    }

    private async Task OnJournalAckAsync(long throughSeq, CancellationToken cancellationToken)
    {
        var journal = _loader.Journal;
        if (throughSeq > journal.LastSequence)
        {
            // The hub holds events this journal never wrote (its file was replaced or restored
            // from an old backup): continue numbering after them, or new events would be taken
            // for duplicates and dropped.
            SyncLog.JournalBehindHub(_logger, journal.LastSequence, throughSeq);
            await journal.SkipToAsync(throughSeq, cancellationToken).ConfigureAwait(false);
        }

        if (throughSeq > journal.AcknowledgedThrough)
        {
            await journal.AckThroughAsync(throughSeq, cancellationToken).ConfigureAwait(false);
        }

        _status.JournalAcknowledged(journal.AcknowledgedThrough, journal.UnacknowledgedCount);
        if (!_journalReady)
        {
            // The hub's first ack says where it stands; uploads start after it.
            Volatile.Write(ref _uploadedThrough, journal.AcknowledgedThrough);
            _journalReady = true;
        }

        if (journal.AcknowledgedThrough >= Volatile.Read(ref _uploadedThrough))
        {
            Signal();
        }
    }

    /// <summary>
    /// Uploads unacknowledged journal entries in order, one batch in flight: the next batch goes
    /// when the hub acknowledged the previous one (or the journal grew while nothing was in flight).
    /// </summary>
    private async Task UploadAsync(CancellationToken cancellationToken)
    {
        var journal = _loader.Journal;
        while (!cancellationToken.IsCancellationRequested)
        {
            var after = Volatile.Read(ref _uploadedThrough);
            var inFlight = after > journal.AcknowledgedThrough;
            if (_journalReady && !inFlight)
            {
                var entries = await journal.ReadUnackedAsync(after, UploadBatch, cancellationToken).ConfigureAwait(false);
                if (entries.Count > 0)
                {
                    var upload = new JournalUpload();
                    foreach (var entry in entries)
                    {
                        upload.Events.Add(new JournalEvent
                        {
                            Seq = entry.Seq,
                            OccurTime = Timestamp.FromDateTimeOffset(entry.OccurredAt),
                            Kind = entry.Kind,
                            Payload = ByteString.CopyFrom(entry.Payload),
                        });
                    }

                    Volatile.Write(ref _uploadedThrough, entries[^1].Seq);
                    await _outbox.Writer.WriteAsync(new EdgeMessage { Journal = upload }, cancellationToken).ConfigureAwait(false);
                    SyncMetrics.EventsUploaded.Add(entries.Count);
                    continue;
                }
            }

            // Woken by an append or an ack; the timeout re-checks in case a wake-up raced.
            await _journalSignal.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
    }

    private void Signal()
    {
        try
        {
            if (_journalSignal.CurrentCount == 0)
            {
                _journalSignal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or the session is over.
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SyncHeartbeatInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await _outbox.Writer.WriteAsync(new EdgeMessage { Heartbeat = new EdgeHeartbeat { SentAt = Timestamp.FromDateTimeOffset(_time.GetUtcNow()) } }, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(IClientStreamWriter<EdgeMessage> requests, CancellationToken cancellationToken)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await requests.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }

        await requests.CompleteAsync().ConfigureAwait(false);
    }

    // Reads (and ignores) what the hub still sends until it ends the call.
    private static async Task DrainAsync(IAsyncStreamReader<HubMessage> responses, CancellationToken cancellationToken)
    {
        while (await responses.MoveNext(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException or ChannelClosedException or InvalidOperationException)
        {
            // The session is over; the reader reported why.
        }
    }
}
