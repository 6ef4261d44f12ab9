using System.Globalization;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Grpc;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Auth;

/// <summary>How a password check ended.</summary>
internal enum LoginOutcome
{
    Success,
    UnknownUser,
    Inactive,
    BadPassword,
    Locked,
}

/// <summary>The outcome of a password check, the user's row when it exists, and until when it is locked.</summary>
internal readonly record struct LoginResult(LoginOutcome Outcome, User? User, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Checks a user's password with login throttling whose state lives in the user's row, so every
/// hub instance enforces the same limits (<see cref="LoginThrottle"/>). The password is hashed
/// before any lock is taken; the outcome is then recorded under <c>SELECT … FOR UPDATE</c> on the
/// row, so concurrent attempts are counted exactly and none slips past a lock another just set.
/// Bookkeeping updates only the throttling columns (it is not an admin change: no version bump,
/// no audit entry).
/// </summary>
internal sealed class LoginGuard
{
    private static readonly User DummyUser = new() { Username = "", PasswordHash = "" };

    private readonly IPasswordHasher<User> _hasher;
    private readonly IOptionsMonitor<AuthOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LoginGuard> _logger;
    private readonly string _dummyHash;

    public LoginGuard(IPasswordHasher<User> hasher, IOptionsMonitor<AuthOptions> options, TimeProvider time, ILogger<LoginGuard> logger)
    {
        _hasher = hasher;
        _options = options;
        _time = time;
        _logger = logger;

        // Unknown users get the same hashing work as known ones, so timing does not tell them apart.
        // Made here, before the first login, so not even the first attempt takes longer.
        _dummyHash = hasher.HashPassword(DummyUser, BearerTokens.New());
    }

    /// <summary>
    /// Checks <paramref name="password"/> for <paramref name="user"/> (null: no such user) and
    /// records the attempt. Runs in its own transaction on <paramref name="db"/>.
    /// </summary>
    public async Task<LoginResult> CheckAsync(HubDbContext db, User? user, string password, CancellationToken cancellationToken)
    {
        if (user is null)
        {
            _hasher.VerifyHashedPassword(DummyUser, _dummyHash, password);
            AuthLog.LoginUnknownUser(_logger);
            return new LoginResult(LoginOutcome.UnknownUser, null);
        }

        if (user.LockedUntil is { } locked && locked > _time.GetUtcNow())
        {
            AuthLog.LoginFailed(_logger, user.Id, "locked");
            return new LoginResult(LoginOutcome.Locked, user, locked);
        }

        var verdict = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (!user.Active)
        {
            AuthLog.LoginFailed(_logger, user.Id, "inactive");
            return new LoginResult(LoginOutcome.Inactive, user);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = (await db.Users.FromSql($"SELECT * FROM users WHERE id = {user.Id} FOR UPDATE").AsNoTracking().ToListAsync(cancellationToken)).SingleOrDefault();
        if (row is null || !row.Active)
        {
            return new LoginResult(row is null ? LoginOutcome.UnknownUser : LoginOutcome.Inactive, row);
        }

        var now = _time.GetUtcNow();
        if (row.LockedUntil is { } lockedNow && lockedNow > now)
        {
            // Another attempt locked the account while this one was hashing.
            AuthLog.LoginFailed(_logger, row.Id, "locked");
            return new LoginResult(LoginOutcome.Locked, row, lockedNow);
        }

        if (row.PasswordHash != user.PasswordHash)
        {
            // Changed while we were hashing (reset, change): the current password decides.
            verdict = _hasher.VerifyHashedPassword(row, row.PasswordHash, password);
        }

        if (verdict == PasswordVerificationResult.Failed)
        {
            var state = LoginThrottle.AfterFailure(_options.CurrentValue, row.FailedLogins, row.FailedWindowStart, now);
            await db.Users.Where(u => u.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.FailedLogins, state.Failures)
                .SetProperty(u => u.FailedWindowStart, state.WindowStart)
                .SetProperty(u => u.LockedUntil, state.LockedUntil), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            AuthLog.LoginFailed(_logger, row.Id, "bad password");
            if (state.LockedUntil is { } until)
            {
                AuthLog.AccountLocked(_logger, row.Id, until, state.Failures);
            }

            return new LoginResult(LoginOutcome.BadPassword, row);
        }

        if (row.FailedLogins != 0 || row.FailedWindowStart is not null || row.LockedUntil is not null)
        {
            await db.Users.Where(u => u.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.FailedLogins, 0)
                .SetProperty(u => u.FailedWindowStart, (DateTimeOffset?)null)
                .SetProperty(u => u.LockedUntil, (DateTimeOffset?)null), cancellationToken);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var upgraded = _hasher.HashPassword(row, password);
            await db.Users.Where(u => u.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, upgraded), cancellationToken);
            AuthLog.PasswordRehashed(_logger, row.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        return new LoginResult(LoginOutcome.Success, row);
    }

    /// <summary>RESOURCE_EXHAUSTED for a locked account, with the <c>retry-after-seconds</c> trailer.</summary>
    public RpcException Locked(DateTimeOffset lockedUntil)
    {
        // Round up to a whole second so that "retry after" is never a moment the lock still holds.
        var retryAt = new DateTimeOffset((lockedUntil.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var seconds = Math.Max(1, (long)Math.Ceiling((retryAt - _time.GetUtcNow()).TotalSeconds));
        var trailers = new Metadata { { AuthExtensions.RetryAfterTrailer, seconds.ToString(CultureInfo.InvariantCulture) } };
        return new RpcException(
            new Status(StatusCode.ResourceExhausted, $"account temporarily locked after repeated failed logins; retry after {retryAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}"),
            trailers);
    }
}
