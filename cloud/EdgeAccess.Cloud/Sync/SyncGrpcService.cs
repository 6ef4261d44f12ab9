using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Journal;
using EdgeAccess.Cloud.Nodes;
using EdgeAccess.Cloud.Nodes.Commands;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Sync;

/// <summary>
/// <c>edgeaccess.v1.EdgeSync</c>: one long-lived stream per enrolled node that bootstraps its replica
/// from a snapshot when needed and then tails its site's feed. Anonymous to the auth interceptor
/// (there is no user): the node token in <c>authorization: Node &lt;token&gt;</c> is the credential,
/// checked here when the stream opens and again every heartbeat interval.
/// </summary>
internal sealed partial class SyncGrpcService(
    NpgsqlDataSource dataSource,
    FeedNotifier notifier,
    NodeAuthenticator authenticator,
    SyncRegistry registry,
    SyncStore store,
    JournalStore journals,
    NodeCommandStore commands,
    CommandNotifier commandNotifier,
    SiteDigestCache digests,
    NodeAccountSync accounts,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptionsMonitor<SyncOptions> options,
    ILogger<SyncGrpcService> logger)
    : EdgeSync.ServiceBase
{
    /// <summary>The most records per snapshot chunk and changes per message.</summary>
    internal const int BatchSize = 1000;

    private readonly NpgsqlDataSource _dataSource = dataSource;
    private readonly FeedNotifier _notifier = notifier;
    private readonly NodeAuthenticator _authenticator = authenticator;
    private readonly SiteDigestCache _digests = digests;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    private const string InvalidToken = "invalid or expired node token: send \"authorization: Node <token>\" or enroll again";

    /// <inheritdoc />
    [Anonymous]
    public override async Task Sync(IAsyncStreamReader<EdgeMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        var identity = await _authenticator.AuthenticateAsync(header, ct)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, InvalidToken));
        var settings = options.CurrentValue;
        var hello = await ReadHelloAsync(requestStream, identity, settings.HelloTimeout, ct);

        // Exclusive per node: in this process by the registry, across hub instances by the advisory lock.
        using var lease = registry.TryOpen(identity.NodeId, identity.SiteId) ?? throw AlreadyOpen(identity.NodeId);
        await using var nodeLock = await store.TryLockAsync(identity.NodeId, ct) ?? throw AlreadyOpen(identity.NodeId);
        var session = lease.Session;
        session.Acked = hello.ReplicaPosition;
        session.Sent = hello.ReplicaPosition;
        await store.ConnectedAsync(identity.NodeId, true, _time.GetUtcNow(), ct);
        SyncLog.Opened(_logger, identity.NodeId, hello.ReplicaPosition);

        // Also on shutdown: a stream lives for days, and Kestrel's graceful stop waits for open requests.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        using var output = new HubWriter(responseStream);
        // Where the node's journal stands here, so it resumes its upload after what the hub has.
        var stored = await journals.StoredThroughAsync(identity.NodeId, ct);
        await output.WriteAsync(new HubMessage { JournalAck = new JournalAck { ThroughSeq = stored } }, ct);
        var failure = new RpcException?[1];
        var reader = ReadEdgeAsync(requestStream, output, session, failure, stop);
        var pump = PumpCommandsAsync(output, session, stop.Token);
        try
        {
            var stream = new Stream(this, output, session, header, settings);
            await stream.RunAsync(hello.ReplicaPosition, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The node half-closed its side (or sent something invalid, thrown below): end the stream.
            if (failure[0] is { } invalid)
            {
                throw invalid;
            }

            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the hub is shutting down; reconnect"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reader;
            await pump;
            await store.ConnectedAsync(identity.NodeId, false, _time.GetUtcNow(), CancellationToken.None);
            SyncLog.Closed(_logger, identity.NodeId);
        }
    }

    private static async Task<SyncHello> ReadHelloAsync(IAsyncStreamReader<EdgeMessage> requests, NodeIdentity identity, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        helloTimeout.CancelAfter(timeout);
        bool any;
        try
        {
            any = await requests.MoveNext(helloTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no Hello within {timeout.TotalSeconds} s"));
        }

        if (!any || requests.Current.MessageCase != EdgeMessage.MessageOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of a sync stream must be a Hello"));
        }

        var hello = requests.Current.Hello;
        if (!Guid.TryParse(hello.SiteId, out var siteId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello.site_id must be a site id (UUID)"));
        }

        if (hello.ReplicaPosition < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello.replica_position must not be negative"));
        }

        if (!string.Equals(hello.NodeId, identity.NodeId, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"the node token is not node {hello.NodeId}'s"));
        }

        if (siteId != identity.SiteId)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"node {identity.NodeId} does not serve site {siteId}"));
        }

        return hello;
    }

    private RpcException AlreadyOpen(string nodeId)
    {
        SyncLog.AlreadyOpen(_logger, nodeId);
        return new RpcException(new Status(StatusCode.AlreadyExists, $"node {nodeId} already has an open sync stream"));
    }

    /// <summary>
    /// Reads what the node sends while the hub streams: acknowledgements are persisted, heartbeats
    /// mark it seen, journal uploads are stored and acknowledged, command results recorded, OS
    /// account reports replace the node's accounts (a malformed one is logged and ignored). When
    /// the node half-closes, sends something invalid or the read fails, the whole stream stops.
    /// </summary>
    private async Task ReadEdgeAsync(
        IAsyncStreamReader<EdgeMessage> requests, HubWriter output, SyncSession session, RpcException?[] failure, CancellationTokenSource stop)
    {
        try
        {
            while (await requests.MoveNext(stop.Token))
            {
                var message = requests.Current;
                switch (message.MessageCase)
                {
                    case EdgeMessage.MessageOneofCase.Ack when message.Ack.Position > session.Acked:
                        var position = message.Ack.Position;
                        if (position > session.Sent)
                        {
                            SyncLog.AckAhead(_logger, session.NodeId, position, session.Sent);
                            continue;
                        }

                        session.Acked = position;
                        await store.AckAsync(session.NodeId, position, _time.GetUtcNow(), stop.Token);
                        break;
                    case EdgeMessage.MessageOneofCase.Heartbeat:
                        await store.ConnectedAsync(session.NodeId, true, _time.GetUtcNow(), stop.Token);
                        break;
                    case EdgeMessage.MessageOneofCase.Journal:
                        var through = await journals.StoreAsync(session.NodeId, session.SiteId, message.Journal.Events, _time.GetUtcNow(), stop.Token);
                        await output.WriteAsync(new HubMessage { JournalAck = new JournalAck { ThroughSeq = through } }, stop.Token);
                        break;
                    case EdgeMessage.MessageOneofCase.CommandResult:
                        await commands.CompleteAsync(session.NodeId, message.CommandResult, _time.GetUtcNow(), stop.Token);
                        break;
                    case EdgeMessage.MessageOneofCase.Accounts:
                        await accounts.ReplaceAsync(session.NodeId, message.Accounts, _time.GetUtcNow(), stop.Token);
                        break;
                    case EdgeMessage.MessageOneofCase.Hello:
                        throw new RpcException(new Status(StatusCode.InvalidArgument, "a sync stream takes one Hello, as its first message"));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The stream is ending.
        }
        catch (JournalRejectedException ex)
        {
            SyncLog.ReadFailed(_logger, session.NodeId, ex);
            failure[0] = ex.ToRpcException();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            failure[0] = ex;
        }
        catch (IOException ex)
        {
            // The node went away (restart, power cut, network): routine for edges, not a hub fault.
            SyncLog.Dropped(_logger, session.NodeId, ex.Message);
        }
        catch (Exception ex) when (ex is RpcException or NpgsqlException or InvalidOperationException)
        {
            SyncLog.ReadFailed(_logger, session.NodeId, ex);
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>
    /// Delivers the node's queued commands while the stream is open: at once when one is queued
    /// (the notifier), else at the poll interval (a notification can be lost while the listener
    /// reconnects).
    /// </summary>
    private async Task PumpCommandsAsync(HubWriter output, SyncSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = commandNotifier.Next(session.NodeId);
                foreach (var command in await commands.PendingAsync(session.NodeId, _time.GetUtcNow(), cancellationToken))
                {
                    // Marked first: a command cancelled meanwhile is not sent. At most once: one
                    // lost with a broken write stays DELIVERED without a result (a late door release
                    // is worse than none).
                    if (await commands.MarkDeliveredAsync(Guid.Parse(command.Id), _time.GetUtcNow(), cancellationToken))
                    {
                        await output.WriteAsync(new HubMessage { Command = command }, cancellationToken);
                    }
                }

                await Task.WhenAny(next, Task.Delay(options.CurrentValue.PollInterval, _time, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream is ending.
        }
        catch (Exception ex) when (ex is RpcException or IOException or NpgsqlException or InvalidOperationException)
        {
            SyncLog.ReadFailed(_logger, session.NodeId, ex);
        }
    }
}
