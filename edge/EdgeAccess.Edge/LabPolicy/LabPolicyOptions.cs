using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// The lab-process policy of a lab server, bound from <c>EdgeAccess:LabPolicy</c> and validated at
/// start. What is watched comes from the replica (this node's resources and their policies); these
/// settings only say how the node carries it out.
/// </summary>
/// <example>
/// <code>
/// "LabPolicy": {
///   "TerminateWait": "00:00:05",
///   "LocalWarnCommand": [ "/usr/local/bin/notify-lab-user", "{user}", "{deadline}" ]
/// }
/// </code>
/// </example>
public sealed class LabPolicyOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EdgeAccess:LabPolicy";

    /// <summary>The state file's name in the data directory when <see cref="StatePath"/> is not set.</summary>
    public const string StateFileName = "lab-policy.state.json";

    /// <summary>
    /// Whether the node watches processes. It does nothing while no resource in the replica is run by
    /// this node with a policy other than off, so it may stay on for door-only nodes.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a terminated run gets after SIGTERM before SIGKILL.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan TerminateWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Write warnings to the terminals the user owns (like write(1)).</summary>
    public bool WriteToTerminals { get; set; } = true;

    /// <summary>
    /// An optional command run for each warning: an argv array without a shell, the executable an
    /// absolute path; placeholders <c>{user}</c> <c>{uid}</c> <c>{message}</c> <c>{resource}</c>
    /// <c>{resource_id}</c> <c>{deadline}</c>. The message is also on its standard input.
    /// </summary>
    public string[]? LocalWarnCommand { get; set; }

    /// <summary>How long the warning command may run before it is killed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan LocalWarnTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the users' violation episodes are kept across restarts (so a restart gives no fresh
    /// grace); default <c>lab-policy.state.json</c> in the data directory.
    /// </summary>
    public string? StatePath { get; set; }

    /// <summary>How long a user's violation episode is remembered after their last unbooked run.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan EpisodeMemory { get; set; } = TimeSpan.FromMinutes(10);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LocalWarnCommand is { Length: > 0 } command && !Path.IsPathFullyQualified(command[0]))
        {
            yield return new ValidationResult($"LocalWarnCommand must start with an absolute executable path, not \"{command[0]}\".", [nameof(LocalWarnCommand)]);
        }
    }
}
