using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Auth;

internal sealed partial class UserGrpcService
{
    private static readonly string[] UpdatablePaths = ["role", "active", "person_id"];

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<UserAccount> UpdateUser(UpdateUserRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.User ?? throw ApiErrors.Invalid("user", "is required");
        var id = Validate.Id(input.Id, "user.id");
        var etag = Validate.Etag(input.Etag, "user.etag");
        var paths = request.UpdateMask?.Paths ?? [];
        if (paths.FirstOrDefault(p => !UpdatablePaths.Contains(p)) is { } unknown)
        {
            throw ApiErrors.Invalid("update_mask", $"\"{unknown}\" cannot be updated (paths: {string.Join(", ", UpdatablePaths)})");
        }

        bool Sets(string path) => paths.Count == 0 || paths.Contains(path);
        UserRole? role = Sets("role") ? UserMapping.FromProto(input.Role, "user.role") : null;
        bool? active = Sets("active") && input.HasActive ? input.Active : null;
        var personId = Sets("person_id") ? Validate.OptionalId(input.PersonId, "user.person_id") : null;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await FindForWriteAsync(id, etag, ct);
        var wasActive = user.Active;
        user.Role = role ?? user.Role;
        user.Active = active ?? user.Active;
        if (Sets("person_id"))
        {
            await EnsurePersonExistsAsync(personId, ct);
            user.PersonId = personId;
        }

        await EnsureAdminRemainsAsync(user, removed: false, ct);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), Kind, ct);
        if (wasActive && !user.Active)
        {
            await sessions.EndAllAsync(db, id, keep: null, "deactivated", ct);
        }

        await transaction.CommitAsync(ct);
        AuthLog.UserChanged(logger, caller.Username, "updated", id);
        return UserMapping.ToProto(user, time.GetUtcNow());
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<UserAccount> ResetPassword(ResetPasswordRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await FindForWriteAsync(id, etag, ct);
        var password = CredentialPolicy.Password(request.NewPassword, user.Username, "new_password");
        user.PasswordHash = hasher.HashPassword(user, password);

        // A reset is how a locked-out user gets back in at once.
        user.FailedLogins = 0;
        user.FailedWindowStart = null;
        user.LockedUntil = null;
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), Kind, ct);
        await sessions.EndAllAsync(db, id, keep: null, "password reset", ct);
        await transaction.CommitAsync(ct);
        AuthLog.UserChanged(logger, caller.Username, "reset the password of", id);
        return UserMapping.ToProto(user, time.GetUtcNow());
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteUser(DeleteUserRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await FindForWriteAsync(id, etag, ct);
        await EnsureAdminRemainsAsync(user, removed: true, ct);
        await sessions.EndAllAsync(db, id, keep: null, "deleted", ct);
        db.Users.Remove(user);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), Kind, ct);
        await transaction.CommitAsync(ct);
        AuthLog.UserChanged(logger, caller.Username, "deleted", id);
        return new Empty();
    }

    /// <summary>The tracked user to change; NOT_FOUND, or FAILED_PRECONDITION for a stale etag.</summary>
    private async Task<Stored.User> FindForWriteAsync(Guid id, long? etag, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken) ?? throw ApiErrors.NotFound(Kind, id);
        AdminWrites.CheckEtag(db, user, id, etag, Kind);
        return user;
    }

    /// <summary>
    /// Refuses a change that takes away the last active admin: nobody could manage users any more.
    /// The active admins' rows are locked in id order, so two admins demoting each other at once
    /// cannot both succeed (nor deadlock).
    /// </summary>
    private async Task EnsureAdminRemainsAsync(Stored.User user, bool removed, CancellationToken cancellationToken)
    {
        var entry = db.Entry(user);
        var wasAdmin = entry.Property(u => u.Role).OriginalValue == UserRole.Admin && entry.Property(u => u.Active).OriginalValue;
        var staysAdmin = !removed && user.Role == UserRole.Admin && user.Active;
        if (!wasAdmin || staysAdmin)
        {
            return;
        }

        var admins = await db.Users
            .FromSql($"SELECT * FROM users WHERE role = {(short)UserRole.Admin} AND active ORDER BY id FOR UPDATE")
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (!admins.Any(a => a.Id != user.Id))
        {
            throw ApiErrors.FailedPrecondition($"user {user.Id} is the last active admin; make another user admin first");
        }
    }
}
