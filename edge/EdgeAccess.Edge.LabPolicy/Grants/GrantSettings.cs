namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>How a <see cref="GrantReconciler"/> works: its node, commands, state file and failure policy.</summary>
public sealed record GrantSettings
{
    /// <summary>This node's id: only its resources and account links count.</summary>
    public required string NodeId { get; init; }

    /// <summary>Adds an account to a group, e.g. <c>/usr/sbin/gpasswd -a {user} {group}</c>.</summary>
    public required CommandTemplate GrantCommand { get; init; }

    /// <summary>Removes an account from a group, e.g. <c>/usr/sbin/gpasswd -d {user} {group}</c>.</summary>
    public required CommandTemplate RevokeCommand { get; init; }

    /// <summary>
    /// Lists a group's members, e.g. <c>/usr/bin/getent group {group}</c>; null: the state file alone
    /// says what is granted. Only members known from account links or the state file are ever revoked.
    /// </summary>
    public CommandTemplate? ListCommand { get; init; }

    /// <summary>The grant state file (<see cref="GrantState"/>).</summary>
    public required string StatePath { get; init; }

    /// <summary>Failed reconciles in a row after which a resource enters maintenance.</summary>
    public int MaxConsecutiveFailures { get; init; } = 3;

    /// <summary>How long one command may run.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before a failed command is tried again; doubled per further failure.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var delay = RetryBackoff * Math.Pow(2, exponent);
        return delay < MaxRetryBackoff ? delay : MaxRetryBackoff;
    }
}
