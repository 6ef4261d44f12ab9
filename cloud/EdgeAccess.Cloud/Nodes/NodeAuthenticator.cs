using System.Data;
using EdgeAccess.Cloud.Data.Entities;
using Npgsql;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>An edge node authenticated by its node token.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="SiteId">The site the node serves.</param>
/// <param name="ViaPreviousToken">True when the token was the one before the last rotation (still in its overlap).</param>
public sealed record NodeIdentity(string NodeId, Guid SiteId, bool ViaPreviousToken);

/// <summary>
/// Authenticates edge nodes by <c>authorization: Node &lt;token&gt;</c>. Every call reads the node's
/// row (a primary-key lookup, no cache), so a revocation or re-issued code counts on the next call on
/// every hub instance. The current token is accepted, and the previous one until its overlap ends.
/// </summary>
public sealed class NodeAuthenticator(NpgsqlDataSource dataSource, TimeProvider time, ILogger<NodeAuthenticator> logger)
{
    /// <summary>last_seen_at is written at most this often per node.</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    private const string FindSql = """
        SELECT site_id, status, token_hash, previous_token_hash, previous_expires, last_seen_at
        FROM nodes WHERE id = $1
        """;

    private const string TouchSql = "UPDATE nodes SET last_seen_at = $2 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at <= $3)";

    /// <summary>
    /// The node the <paramref name="authorizationHeader"/> (<c>Node &lt;token&gt;</c>) authenticates,
    /// or null when it is missing, malformed, unknown, superseded, expired, or the node is not active.
    /// </summary>
    public async Task<NodeIdentity?> AuthenticateAsync(string authorizationHeader, CancellationToken cancellationToken)
    {
        var token = NodeSecrets.FromHeader(authorizationHeader);
        var nodeId = token is null ? null : NodeSecrets.NodeIdOf(token);
        if (token is null || nodeId is null)
        {
            NodeLog.AuthenticationFailed(logger, "no well-formed node token");
            return null;
        }

        var now = time.GetUtcNow();
        Guid siteId;
        Match match;
        DateTimeOffset? lastSeen;
        await using (var command = dataSource.CreateCommand(FindSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = nodeId });
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                NodeLog.AuthenticationFailed(logger, "unknown node");
                return null;
            }

            siteId = reader.GetGuid(0);
            match = Check(
                (NodeStatus)reader.GetInt16(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                NodeSecrets.Hash(token),
                now);
            lastSeen = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
        }

        if (match == Match.None)
        {
            NodeLog.AuthenticationFailed(logger, $"node {nodeId}: token not current or node not active");
            return null;
        }

        if (lastSeen is null || lastSeen <= now - LastSeenResolution)
        {
            await using var touch = dataSource.CreateCommand(TouchSql);
            touch.Parameters.Add(new NpgsqlParameter { Value = nodeId });
            touch.Parameters.Add(new NpgsqlParameter { Value = now });
            touch.Parameters.Add(new NpgsqlParameter { Value = now - LastSeenResolution });
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NodeIdentity(nodeId, siteId, match == Match.Previous);
    }

    /// <summary>Which stored token <paramref name="presented"/> (a hash) is, for an active node.</summary>
    internal static Match Check(NodeStatus status, byte[]? tokenHash, byte[]? previousHash, DateTimeOffset? previousExpires, byte[] presented, DateTimeOffset now)
    {
        if (status != NodeStatus.Active)
        {
            return Match.None;
        }

        // Both compared in constant time; the order of checks reveals nothing about the bytes.
        var current = NodeSecrets.Matches(tokenHash, presented);
        var previous = NodeSecrets.Matches(previousHash, presented) && previousExpires > now;
        return current ? Match.Current : previous ? Match.Previous : Match.None;
    }

    /// <summary>The outcome of <see cref="Check"/>.</summary>
    internal enum Match
    {
        None,
        Current,
        Previous,
    }
}
