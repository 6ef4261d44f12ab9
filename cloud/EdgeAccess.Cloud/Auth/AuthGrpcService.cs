using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Auth;

/// <summary><c>edgeaccess.v1.AuthService</c>: sign-in, token refresh, sign-out and the caller's own account.</summary>
internal sealed class AuthGrpcService(
    HubDbContext db,
    LoginGuard guard,
    SessionStore sessions,
    HubChanges changes,
    IPasswordHasher<Stored.User> hasher,
    ILogger<AuthGrpcService> logger) : AuthService.ServiceBase
{
    private const string InvalidCredentials = "invalid username or password";

    /// <inheritdoc />
    [Anonymous]
    public override async Task<AuthTokens> Login(LoginRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (string.IsNullOrEmpty(request.Username))
        {
            throw ApiErrors.Invalid("username", "is required");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            throw ApiErrors.Invalid("password", "is required");
        }

        using var activity = AuthTelemetry.Start(AuthTelemetry.LoginActivity);

        // Stored names are ASCII (CredentialPolicy), so lower-casing here matches lower(username),
        // the expression the unique index is built on. A name no user can have needs no query.
        var name = request.Username.ToLowerInvariant();
        var user = CredentialPolicy.CheckUsername(request.Username) is null
            ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Username.ToLower() == name, ct)
            : null;
        var result = await guard.CheckAsync(db, user, request.Password, ct);
        AuthTelemetry.Outcome(activity, result.Outcome, result.User?.Id);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                return await sessions.StartAsync(db, result.User!, ct);
            case LoginOutcome.Locked:
                throw guard.Locked(result.LockedUntil!.Value);
            default:
                throw new RpcException(new Status(StatusCode.Unauthenticated, InvalidCredentials));
        }
    }

    /// <inheritdoc />
    [Anonymous]
    public override async Task<AuthTokens> Refresh(RefreshRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            throw ApiErrors.Invalid("refresh_token", "is required");
        }

        using var activity = AuthTelemetry.Start(AuthTelemetry.RefreshActivity);
        if (!BearerTokens.IsWellFormed(request.RefreshToken))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "refresh token is invalid or expired: sign in again"));
        }

        return await sessions.RefreshAsync(db, request.RefreshToken, context.CancellationToken);
    }

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override async Task<Empty> Logout(LogoutRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        await sessions.EndAsync(db, caller.SessionId, context.CancellationToken);
        AuthLog.LoggedOut(logger, caller.UserId, caller.SessionId);
        return new Empty();
    }

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        return Task.FromResult(new WhoAmIResponse
        {
            UserId = caller.UserId.ToString(),
            Username = caller.Username,
            Role = UserMapping.ToProto(caller.Role),
            PersonId = caller.PersonId?.ToString() ?? "",
        });
    }

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override async Task<Empty> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            throw ApiErrors.Invalid("current_password", "is required");
        }

        var password = CredentialPolicy.Password(request.NewPassword, caller.Username, "new_password");
        if (password == request.CurrentPassword)
        {
            throw ApiErrors.Invalid("new_password", "must differ from the current password");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == caller.UserId, ct);
        var result = await guard.CheckAsync(db, user, request.CurrentPassword, ct);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                break;
            case LoginOutcome.BadPassword:
                throw ApiErrors.Invalid("current_password", "is not correct");
            case LoginOutcome.Locked:
                throw guard.Locked(result.LockedUntil!.Value);
            default:
                throw new RpcException(new Status(StatusCode.Unauthenticated, "access token is invalid or expired: refresh it or sign in again"));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var tracked = await db.Users.SingleAsync(u => u.Id == caller.UserId, ct);
        tracked.PasswordHash = hasher.HashPassword(tracked, password);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), UserGrpcService.Kind, ct);

        // Whoever else holds a session of this account (perhaps why the password changes) is out.
        await sessions.EndAllAsync(db, caller.UserId, caller.SessionId, "password changed", ct);
        await transaction.CommitAsync(ct);
        AuthLog.PasswordChanged(logger, caller.UserId);
        return new Empty();
    }
}
