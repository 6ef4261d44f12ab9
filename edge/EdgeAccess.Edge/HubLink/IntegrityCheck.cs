using System.Text.Json;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Verifies the replica against the last digest the hub sent (kept in <c>replica.digest.json</c>)
/// at start and every <see cref="EdgeOptions.IntegrityCheckInterval"/>, so a replica altered while
/// the node is offline is caught before the hub is reachable again. The stored digest only applies
/// while the replica is still at its position; the hub sends a fresh one after every reconnect.
/// </summary>
internal sealed partial class IntegrityCheck(
    ReplicaIndexLoader loader, IOptions<EdgeOptions> options, TimeProvider time, ILogger<IntegrityCheck> logger) : BackgroundService
{
    private const string FileName = "replica.digest.json";

    /// <summary>Remembers the hub's digest for the start-up and periodic checks.</summary>
    public static void Save(ReplicaStore store, ReplicaDigest digest)
    {
        var path = PathOf(store);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Stored(digest.Position, digest.RecordCount, digest.Digest.ToBase64())));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Checks once; true when the replica matches or no digest applies to its position.</summary>
    public async Task<bool> CheckAsync(string source, CancellationToken cancellationToken)
    {
        var store = loader.Store;
        var path = PathOf(store);
        if (!File.Exists(path))
        {
            return true;
        }

        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException)
        {
            stored = null;
        }

        if (stored is null || stored.Position != store.Position)
        {
            return true;
        }

        var (position, count, digest) = await store.ComputeDigestAsync(cancellationToken).ConfigureAwait(false);
        if (position == stored.Position && count == stored.RecordCount && Convert.ToBase64String(digest) == stored.Digest)
        {
            SyncLog.DigestVerified(logger, position, count);
            return true;
        }

        if (position != stored.Position)
        {
            return true; // changes arrived while computing
        }

        await SyncSession.ReportTamperingAsync(loader, logger, position, stored.RecordCount, count, source, time, cancellationToken).ConfigureAwait(false);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CheckAsync("stored digest at start", stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(options.Value.IntegrityCheckInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!loader.ReplicaTampered)
                {
                    await CheckAsync("periodic check", stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static string PathOf(ReplicaStore store) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store.FilePath))!, FileName);

    private sealed record Stored(long Position, long RecordCount, string Digest);
}
