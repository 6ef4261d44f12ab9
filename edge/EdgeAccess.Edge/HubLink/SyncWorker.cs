using System.Net.Sockets;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.Doors;
using EdgeAccess.Edge.LabPolicy.Accounts;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Keeps the node's sync stream open, the node dialling out (works behind NAT): enrolls once
/// with the configured code, then opens <see cref="SyncSession"/>s with the stored node token and
/// reopens them after any failure with exponential backoff and full jitter, so a building of nodes
/// does not reconnect in lockstep after a hub restart. Rotates the token while connected.
/// </summary>
internal sealed class SyncWorker(
    GrpcChannel channel,
    ReplicaIndexLoader loader,
    DoorControl doors,
    SyncStatus status,
    AccountReporter accounts,
    IOptions<EdgeOptions> options,
    IOptions<AccessPointOptions> accessPoint,
    TimeProvider time,
    ILogger<SyncWorker> logger) : BackgroundService
{
    // A refused credential will not heal by itself; retry slowly in case an admin fixes it.
    private static readonly TimeSpan RefusedRetry = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var dataDirectory = accessPoint.Value.DataDirectory;
        var failures = 0;
        var fromSnapshot = false;
        EdgeTelemetry.Meter.CreateObservableGauge("edgeaccess.sync.connected", () => status.IsConnected ? 1 : 0,
            unit: "{stream}", description: "1 while the sync stream to the hub is open, else 0.");
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            NodeCredential? credential = null;
            try
            {
                credential = NodeCredential.Load(dataDirectory) ?? await EnrollAsync(settings, dataDirectory, stoppingToken);
                if (credential is null)
                {
                    SyncLog.NotEnrolled(logger, settings.NodeId);
                    wait = RefusedRetry;
                }
                else
                {
                    status.Opening();
                    using var sessionOver = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    _ = RotateLaterAsync(credential, settings, dataDirectory, sessionOver.Token);
                    var session = new SyncSession(new EdgeSync.Client(channel), credential, loader, doors, status, settings, time, logger, accounts);
                    SessionEnd end;
                    try
                    {
                        end = await session.RunAsync(fromSnapshot, stoppingToken);
                    }
                    finally
                    {
                        await sessionOver.CancelAsync();
                    }

                    fromSnapshot = end == SessionEnd.SnapshotNeeded;
                    failures = 0;
                    wait = fromSnapshot ? TimeSpan.Zero : ReconnectBackoff.Next(1, settings.MaxReconnectDelay);
                    status.Disconnected(fromSnapshot ? "resync" : "closed by the hub");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied
                && credential is not null && NodeCredential.Load(dataDirectory) is { } stored && stored.Token != credential.Token)
            {
                // The stream still carried the token this node has since rotated; its overlap ended. Reconnect with the new one.
                wait = TimeSpan.Zero;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                SyncLog.CredentialRefused(logger, settings.NodeId, ex.StatusCode, ex.Status.Detail);
                status.Failed($"{ex.StatusCode}: {ex.Status.Detail}");
                wait = RefusedRetry;
            }
            catch (Exception ex) when (ex is RpcException or IOException or TimeoutException or InvalidDataException or OperationCanceledException or HttpRequestException or SocketException)
            {
                failures++;
                wait = ReconnectBackoff.Next(failures, settings.MaxReconnectDelay);
                var reason = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
                status.Failed(reason);
                SyncMetrics.Reconnects.Add(1);
                SyncLog.StreamFailed(logger, reason, failures, wait.TotalSeconds);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<NodeCredential?> EnrollAsync(EdgeOptions settings, string dataDirectory, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.EnrollmentCode))
        {
            return null;
        }

        var client = new EnrollmentService.Client(channel);
        var response = await client.EnrollAsync(new EnrollRequest { NodeId = settings.NodeId, EnrollmentCode = settings.EnrollmentCode },
            deadline: time.GetUtcNow().UtcDateTime.AddSeconds(30), cancellationToken: cancellationToken);
        var credential = new NodeCredential(settings.NodeId, response.SiteId, response.NodeToken, time.GetUtcNow());
        credential.Save(dataDirectory);
        SyncLog.Enrolled(logger, settings.NodeId, response.SiteId, response.SiteTimeZone);
        return credential;
    }

    /// <summary>
    /// Rotates the token once it is older than the rotation interval. The open stream keeps the
    /// old token, which the hub honours for an overlap; the next stream uses the new one.
    /// </summary>
    private Task RotateLaterAsync(NodeCredential credential, EdgeOptions settings, string dataDirectory, CancellationToken cancellationToken)
    {
        var due = credential.IssuedAt + settings.TokenRotationInterval - time.GetUtcNow();
        return Task.Run(async () =>
        {
            try
            {
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, cancellationToken);
                }

                var client = new EnrollmentService.Client(channel);
                var headers = new Metadata { { "authorization", credential.Authorization } };
                var response = await client.RotateTokenAsync(new RotateTokenRequest { NodeId = credential.NodeId },
                    new CallOptions(Headers: headers, Deadline: time.GetUtcNow().UtcDateTime.AddSeconds(30), CancellationToken: cancellationToken));
                (credential with { Token = response.NodeToken, IssuedAt = time.GetUtcNow() }).Save(dataDirectory);
                SyncLog.TokenRotated(logger, credential.NodeId);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException)
            {
                // Tried again with the next stream.
            }
        }, CancellationToken.None);
    }

}
