using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// The OS account report, bound from <c>EdgeAccess:LabPolicy:Accounts</c>: the node reads its
/// passwd file and sends the account set on the sync stream after the hello and whenever it
/// changes, so an admin can link accounts to people.
/// </summary>
public sealed class LabAccountOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EdgeAccess:LabPolicy:Accounts";

    /// <summary>Whether the node reports its accounts to the hub.</summary>
    public bool Report { get; set; } = true;

    /// <summary>The passwd file (passwd(5) format): the accounts reported to the hub, and the names the lab-process policy matches exempt accounts against.</summary>
    [Required]
    public string PasswdPath { get; set; } = "/etc/passwd";

    /// <summary>How often the file's modification time and size are checked (changes are also watched).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
