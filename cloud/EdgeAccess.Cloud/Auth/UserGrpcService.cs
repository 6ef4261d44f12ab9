using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// <c>edgeaccess.v1.UserService</c>: the hub's user accounts, admins only. Every change is saved
/// through <see cref="HubChanges"/> (versioned, audited with the password hash redacted); taking
/// an account away (deactivate, delete, password reset) ends its sessions in the same transaction.
/// </summary>
internal sealed partial class UserGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    SessionStore sessions,
    IPasswordHasher<Stored.User> hasher,
    TimeProvider time,
    ILogger<UserGrpcService> logger) : UserService.ServiceBase
{
    /// <summary>The entity name in status messages.</summary>
    internal const string Kind = "user";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<UserAccount> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.User ?? throw ApiErrors.Invalid("user", "is required");
        var username = CredentialPolicy.Username(input.Username, "user.username");
        var password = CredentialPolicy.Password(request.Password, username, "password");
        var role = UserMapping.FromProto(input.Role, "user.role");
        var personId = Validate.OptionalId(input.PersonId, "user.person_id");

        // The idempotency record keeps a SHA-256 of the request: never of one holding a password,
        // which would make that fast hash a way to test password guesses.
        var fingerprint = request.Clone();
        fingerprint.Password = "";
        return await idempotency.CreateAsync(db, caller, request.RequestId, fingerprint, UserAccount.Parser, async () =>
        {
            await EnsureUsernameFreeAsync(username, ct);
            await EnsurePersonExistsAsync(personId, ct);
            var now = time.GetUtcNow();
            var user = new Stored.User
            {
                Id = Guid.CreateVersion7(now),
                Username = username,
                PasswordHash = "",
                Role = role,
                PersonId = personId,
                Active = !input.HasActive || input.Active,
            };
            user.PasswordHash = hasher.HashPassword(user, password);
            db.Users.Add(user);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), Kind, ct);
            AuthLog.UserChanged(logger, caller.Username, "created", user.Id);
            return UserMapping.ToProto(user, now);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<UserAccount> GetUser(GetUserRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(Kind, id);
        return UserMapping.ToProto(user, time.GetUtcNow());
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        var role = request.Role == Role.Unspecified ? (UserRole?)null : UserMapping.FromProto(request.Role, "role");
        bool? active = request.HasActive ? request.Active : null;
        var prefix = Validate.OptionalText(request.UsernamePrefix, "username_prefix", CredentialPolicy.MaxUsernameLength);
        var fingerprint = $"users|{role}|{active}|{prefix}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);

        var query = db.Users.AsNoTracking();
        if (role is { } r)
        {
            query = query.Where(u => u.Role == r);
        }

        if (active is { } a)
        {
            query = query.Where(u => u.Active == a);
        }

        if (prefix is not null)
        {
            var pattern = LikeEscape(prefix) + "%";
            query = query.Where(u => EF.Functions.ILike(u.Username, pattern, @"\"));
        }

        if (page.After is { } after)
        {
            query = query.Where(u => u.Id > after);
        }

        var users = await query.OrderBy(u => u.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListUsersResponse { NextPageToken = page.NextToken(users, u => u.Id, fingerprint) };
        var now = time.GetUtcNow();
        response.Users.AddRange(users.Select(u => UserMapping.ToProto(u, now)));
        return response;
    }

    private async Task EnsureUsernameFreeAsync(string username, CancellationToken cancellationToken)
    {
        // Friendlier than the unique index's refusal, which still catches a concurrent create.
        var lowered = username.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.Username.ToLower() == lowered, cancellationToken))
        {
            throw ApiErrors.AlreadyExists($"a user named \"{username}\" already exists (user names ignore case)");
        }
    }

    private async Task EnsurePersonExistsAsync(Guid? personId, CancellationToken cancellationToken)
    {
        if (personId is { } id && !await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            throw ApiErrors.Invalid("user.person_id", $"person {id} does not exist");
        }
    }

    private static string LikeEscape(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
