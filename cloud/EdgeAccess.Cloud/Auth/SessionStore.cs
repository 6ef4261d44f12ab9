using System.Data;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Session = EdgeAccess.Cloud.Data.Entities.Session;
using User = EdgeAccess.Cloud.Data.Entities.User;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// Signed-in sessions: one row per session in <c>sessions</c>, holding only the SHA-256 of its
/// current access and refresh tokens. Everything is decided by the database row, so every hub
/// instance sees a logout, a rotation or a revocation the moment it commits.
/// </summary>
internal sealed class SessionStore(NpgsqlDataSource dataSource, IOptionsMonitor<AuthOptions> options, TimeProvider time, ILogger<SessionStore> logger)
{
    // One round trip on the unique index sessions_access_hash_key; the join re-reads the user, so a
    // role change or deactivation applies to the next call.
    private const string FindCallerSql = """
        SELECT s.id, u.id, u.username, u.role, u.person_id
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.access_hash = $1 AND s.access_expires > $2 AND u.active
        """;

    /// <summary>The caller an unexpired access token belongs to, or null.</summary>
    public async Task<Caller?> FindCallerAsync(string accessToken, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindCallerSql);
        command.Parameters.Add(new NpgsqlParameter { Value = BearerTokens.Hash(accessToken) });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Caller(
            reader.GetGuid(1),
            reader.GetString(2),
            (UserRole)reader.GetInt16(3),
            reader.IsDBNull(4) ? null : reader.GetGuid(4),
            reader.GetGuid(0));
    }

    /// <summary>Starts a session for <paramref name="user"/> and returns its tokens.</summary>
    public async Task<AuthTokens> StartAsync(HubDbContext db, User user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();

        // Sessions nobody can refresh any more are dead weight: drop this user's while we are here.
        await db.Sessions.Where(s => s.UserId == user.Id && s.RefreshExpires <= now).ExecuteDeleteAsync(cancellationToken);
        var session = new Session { Id = Guid.CreateVersion7(now), UserId = user.Id, AccessHash = [], RefreshHash = [], CreatedAt = now };
        var tokens = Issue(session, now);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        AuthLog.LoginSucceeded(logger, user.Id, session.Id);
        tokens.User = ToSummary(user);
        return tokens;
    }

    /// <summary>
    /// Exchanges a refresh token for a new pair (rotation). A token that was already exchanged
    /// revokes its session: either the client or a thief holds a copy, and the hub cannot tell which.
    /// </summary>
    public async Task<AuthTokens> RefreshAsync(HubDbContext db, string refreshToken, CancellationToken cancellationToken)
    {
        var hash = BearerTokens.Hash(refreshToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The row lock serialises two refreshes with the same token: the second finds the hash
        // rotated away and is treated as reuse.
        var session = (await db.Sessions.FromSql($"SELECT * FROM sessions WHERE refresh_hash = {hash} FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault();
        var now = time.GetUtcNow();
        if (session is null)
        {
            var reused = await db.Database
                .SqlQuery<Guid>($"SELECT session_id AS \"Value\" FROM session_rotated_tokens WHERE refresh_hash = {hash} AND expires > {now}")
                .ToListAsync(cancellationToken);
            if (reused.Count == 1 && await db.Sessions.FindAsync([reused[0]], cancellationToken) is { } stolen)
            {
                db.Sessions.Remove(stolen);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                AuthLog.RefreshTokenReused(logger, stolen.Id, stolen.UserId);
                throw Unauthenticated("refresh token was already used, so the session has been revoked: sign in again");
            }

            throw Unauthenticated("refresh token is invalid or expired: sign in again");
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId, cancellationToken);
        if (session.RefreshExpires <= now || !user.Active)
        {
            db.Sessions.Remove(session);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            throw Unauthenticated("refresh token is invalid or expired: sign in again");
        }

        // Remember the old token until it would have expired anyway, to recognise its reuse.
        await db.Database.ExecuteSqlAsync($"DELETE FROM session_rotated_tokens WHERE session_id = {session.Id} AND expires <= {now}", cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO session_rotated_tokens (refresh_hash, session_id, rotated_at, expires) VALUES ({hash}, {session.Id}, {now}, {session.RefreshExpires})",
            cancellationToken);
        var tokens = Issue(session, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        AuthLog.SessionRefreshed(logger, session.Id, user.Id);
        tokens.User = ToSummary(user);
        return tokens;
    }

    /// <summary>Ends one session.</summary>
    public async Task EndAsync(HubDbContext db, Guid sessionId, CancellationToken cancellationToken) =>
        await db.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Ends every session of <paramref name="userId"/> except <paramref name="keep"/>; joins the context's transaction.</summary>
    public async Task<int> EndAllAsync(HubDbContext db, Guid userId, Guid? keep, string reason, CancellationToken cancellationToken)
    {
        var count = await db.Sessions.Where(s => s.UserId == userId && s.Id != keep).ExecuteDeleteAsync(cancellationToken);
        if (count > 0)
        {
            AuthLog.SessionsRevoked(logger, count, userId, reason);
        }

        return count;
    }

    /// <summary>The signed-in user as a client sees it.</summary>
    public static UserSummary ToSummary(User user) => new()
    {
        Id = user.Id.ToString(),
        Username = user.Username,
        Role = UserMapping.ToProto(user.Role),
        PersonId = user.PersonId?.ToString() ?? "",
    };

    private AuthTokens Issue(Session session, DateTimeOffset now)
    {
        var lifetimes = options.CurrentValue;
        var access = BearerTokens.New();
        var refresh = BearerTokens.New();
        session.AccessHash = BearerTokens.Hash(access);
        session.RefreshHash = BearerTokens.Hash(refresh);
        session.AccessExpires = now + lifetimes.AccessTokenLifetime;
        session.RefreshExpires = now + lifetimes.RefreshTokenLifetime;
        return new AuthTokens
        {
            AccessToken = access,
            RefreshToken = refresh,
            AccessExpireTime = Validate.ToTimestamp(session.AccessExpires),
            RefreshExpireTime = Validate.ToTimestamp(session.RefreshExpires),
        };
    }

    private static RpcException Unauthenticated(string message) => new(new Status(StatusCode.Unauthenticated, message));
}
