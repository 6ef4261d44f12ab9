using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Auth;

/// <summary>Token lifetimes and login throttling (<c>EdgeAccess:Auth</c>), validated at start.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Auth";

    /// <summary>How long an access token works (default 15 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token works; each refresh starts it again (default 7 days).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Consecutive failed logins that lock an account (default 10).</summary>
    [Range(1, 1000)]
    public int LockoutThreshold { get; set; } = 10;

    /// <summary>How long such a lock lasts (default 15 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed logins allowed per account within <see cref="FailureWindow"/> (default 100);
    /// reaching it locks the account until the window ends.</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerWindow { get; set; } = 100;

    /// <summary>The window <see cref="MaxFailuresPerWindow"/> counts in (default 1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The first admin of a fresh hub (<c>EdgeAccess:Bootstrap</c>): created at start when the users
/// table is empty and both values are set. Give the password through the environment or a secret
/// store, and change it after the first sign-in.
/// </summary>
public sealed class BootstrapOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Bootstrap";

    /// <summary>User name of the first admin.</summary>
    public string? AdminUsername { get; set; }

    /// <summary>Password of the first admin (the password policy applies).</summary>
    public string? AdminPassword { get; set; }

    internal bool IsConfigured => !string.IsNullOrEmpty(AdminUsername) || !string.IsNullOrEmpty(AdminPassword);
}
