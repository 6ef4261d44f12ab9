namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// Log events of sign-in and user administration (event ids 3300-3349). Passwords, tokens and their
/// hashes never appear; a failed login names the user id only when the account exists, never the
/// typed user name (people type passwords into it).
/// </summary>
internal static partial class AuthLog
{
    [LoggerMessage(3300, LogLevel.Information, "User {UserId} signed in (session {SessionId})", EventName = "LoginSucceeded")]
    public static partial void LoginSucceeded(ILogger logger, Guid userId, Guid sessionId);

    [LoggerMessage(3301, LogLevel.Information, "Failed login for user {UserId}: {Reason}", EventName = "LoginFailed")]
    public static partial void LoginFailed(ILogger logger, Guid userId, string reason);

    [LoggerMessage(3302, LogLevel.Information, "Failed login for an unknown user name", EventName = "LoginUnknownUser")]
    public static partial void LoginUnknownUser(ILogger logger);

    [LoggerMessage(3303, LogLevel.Warning, "User {UserId} locked until {LockedUntil:O} after {Failures} failed logins", EventName = "AccountLocked")]
    public static partial void AccountLocked(ILogger logger, Guid userId, DateTimeOffset lockedUntil, int failures);

    [LoggerMessage(3304, LogLevel.Warning, "A refresh token of session {SessionId} (user {UserId}) was used twice; the session is revoked", EventName = "RefreshTokenReused")]
    public static partial void RefreshTokenReused(ILogger logger, Guid sessionId, Guid userId);

    [LoggerMessage(3305, LogLevel.Debug, "Session {SessionId} of user {UserId} refreshed", EventName = "SessionRefreshed")]
    public static partial void SessionRefreshed(ILogger logger, Guid sessionId, Guid userId);

    [LoggerMessage(3306, LogLevel.Information, "User {UserId} signed out (session {SessionId})", EventName = "LoggedOut")]
    public static partial void LoggedOut(ILogger logger, Guid userId, Guid sessionId);

    [LoggerMessage(3307, LogLevel.Information, "Revoked {Count} sessions of user {UserId}: {Reason}", EventName = "SessionsRevoked")]
    public static partial void SessionsRevoked(ILogger logger, int count, Guid userId, string reason);

    [LoggerMessage(3308, LogLevel.Information, "User {UserId} changed their password", EventName = "PasswordChanged")]
    public static partial void PasswordChanged(ILogger logger, Guid userId);

    [LoggerMessage(3309, LogLevel.Information, "{Actor} {Action} user {UserId}", EventName = "UserChanged")]
    public static partial void UserChanged(ILogger logger, string actor, string action, Guid userId);

    [LoggerMessage(3310, LogLevel.Debug, "{Method} refused: {Reason}", EventName = "CallUnauthenticated")]
    public static partial void CallUnauthenticated(ILogger logger, string method, string reason);

    [LoggerMessage(3311, LogLevel.Debug, "{Method} refused for user {UserId} with role {Role}", EventName = "CallPermissionDenied")]
    public static partial void CallPermissionDenied(ILogger logger, string method, Guid userId, string role);

    [LoggerMessage(3312, LogLevel.Warning, "Created the bootstrap admin {Username} ({UserId}); change its password after the first sign-in", EventName = "BootstrapAdminCreated")]
    public static partial void BootstrapAdminCreated(ILogger logger, string username, Guid userId);

    [LoggerMessage(3313, LogLevel.Debug, "Bootstrap admin not created: {Reason}", EventName = "BootstrapAdminSkipped")]
    public static partial void BootstrapAdminSkipped(ILogger logger, string reason);

    [LoggerMessage(3314, LogLevel.Debug, "Password hash of user {UserId} upgraded to the current format", EventName = "PasswordRehashed")]
    public static partial void PasswordRehashed(ILogger logger, Guid userId);
}
