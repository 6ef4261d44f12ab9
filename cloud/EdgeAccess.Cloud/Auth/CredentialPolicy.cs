using System.Buffers;
using EdgeAccess.Cloud.Admin.Common;

namespace EdgeAccess.Cloud.Auth;

/// <summary>What the hub accepts as a user name and as a password (INVALID_ARGUMENT naming the field otherwise).</summary>
public static class CredentialPolicy
{
    /// <summary>Shortest accepted password.</summary>
    public const int MinPasswordLength = 10;

    /// <summary>Longest accepted password (bounds the hashing work an attacker can ask for).</summary>
    public const int MaxPasswordLength = 200;

    /// <summary>Shortest accepted user name.</summary>
    public const int MinUsernameLength = 3;

    /// <summary>Longest accepted user name.</summary>
    public const int MaxUsernameLength = 64;

    private static readonly SearchValues<char> UsernameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-");

    /// <summary>The reason <paramref name="username"/> is refused, or null when it is acceptable.</summary>
    public static string? CheckUsername(string? username) =>
        string.IsNullOrEmpty(username) ? "is required"
        : username.Length is < MinUsernameLength or > MaxUsernameLength || username.AsSpan().ContainsAnyExcept(UsernameChars)
            ? $"must be {MinUsernameLength} to {MaxUsernameLength} characters: letters, digits, '.', '_', '@' or '-'"
            : null;

    /// <summary>The reason <paramref name="password"/> is refused for <paramref name="username"/>, or null when it is acceptable.</summary>
    public static string? CheckPassword(string? password, string username) =>
        string.IsNullOrEmpty(password) ? "is required"
        : password.Length is < MinPasswordLength or > MaxPasswordLength ? $"must be {MinPasswordLength} to {MaxPasswordLength} characters"
        : string.Equals(password, username, StringComparison.OrdinalIgnoreCase) ? "must not be the username"
        : null;

    /// <summary>Checks a user name; INVALID_ARGUMENT naming <paramref name="field"/> when refused.</summary>
    public static string Username(string? username, string field) =>
        CheckUsername(username) is { } reason ? throw ApiErrors.Invalid(field, reason) : username!;

    /// <summary>Checks a password; INVALID_ARGUMENT naming <paramref name="field"/> when refused.</summary>
    public static string Password(string? password, string username, string field) =>
        CheckPassword(password, username) is { } reason ? throw ApiErrors.Invalid(field, reason) : password!;
}
