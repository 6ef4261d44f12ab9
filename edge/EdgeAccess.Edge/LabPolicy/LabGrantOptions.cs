using System.ComponentModel.DataAnnotations;
using EdgeAccess.Edge.LabPolicy.Grants;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// The OS commands that follow bookings on a lab server, bound from
/// <c>EdgeAccess:LabPolicy:Grants</c> and validated at start: each command is an argv array run
/// without a shell, its executable an absolute path, with the placeholders <c>{user}</c>
/// <c>{uid}</c> <c>{group}</c> <c>{resource}</c>. Without a grant and a revoke command nothing is
/// granted or revoked (a door-only node).
/// </summary>
/// <example>
/// <code>
/// "Grants": {
///   "GrantCommand": [ "/usr/sbin/gpasswd", "-a", "{user}", "{group}" ],
///   "RevokeCommand": [ "/usr/sbin/gpasswd", "-d", "{user}", "{group}" ],
///   "ListCommand": [ "/usr/bin/getent", "group", "{group}" ]
/// }
/// </code>
/// </example>
public sealed class LabGrantOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EdgeAccess:LabPolicy:Grants";

    /// <summary>Adds an account to the resource's group.</summary>
    public string[]? GrantCommand { get; set; }

    /// <summary>Removes an account from the resource's group.</summary>
    public string[]? RevokeCommand { get; set; }

    /// <summary>Lists the group's members (<c>getent group {group}</c>); optional: without it the state file alone says what is granted.</summary>
    public string[]? ListCommand { get; set; }

    /// <summary>Failed reconciles in a row after which a resource enters maintenance (fail closed).</summary>
    [Range(1, 1000)]
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>How long one command may run before it is killed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the reconciler compares bookings with grants (booking starts and ends).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before a failed command is retried, doubled per further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between retries.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The grant state file; empty: <c>lab-grants.json</c> in the edge data folder.</summary>
    public string? StatePath { get; set; }

    /// <summary>Whether grant and revoke commands are configured.</summary>
    public bool Enabled => GrantCommand is { Length: > 0 } || RevokeCommand is { Length: > 0 };

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            if (ListCommand is { Length: > 0 })
            {
                yield return new ValidationResult("ListCommand needs GrantCommand and RevokeCommand.", [nameof(ListCommand)]);
            }

            yield break;
        }

        foreach (var (name, argv, required) in new[] { (nameof(GrantCommand), GrantCommand, true), (nameof(RevokeCommand), RevokeCommand, true), (nameof(ListCommand), ListCommand, false) })
        {
            if ((required || argv is { Length: > 0 }) && !CommandTemplate.TryParse(name, argv, out _, out var error))
            {
                yield return new ValidationResult(error, [name]);
            }
        }

        if (MaxRetryBackoff < RetryBackoff)
        {
            yield return new ValidationResult("MaxRetryBackoff must not be shorter than RetryBackoff.", [nameof(MaxRetryBackoff)]);
        }
    }
}
