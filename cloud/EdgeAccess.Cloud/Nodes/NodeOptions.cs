using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>Enrollment and node token settings (<c>EdgeAccess:Nodes</c>), validated at start.</summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Nodes";

    /// <summary>How long a one-time enrollment code works (default 24 hours).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan EnrollmentCodeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the token before a rotation keeps working (default 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TokenOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Every this many consecutive failed enrollments of a node lock it (default 5).</summary>
    [Range(1, 1000)]
    public int EnrollmentFailureThreshold { get; set; } = 5;

    /// <summary>How long such a lock lasts (default 15 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan EnrollmentLockout { get; set; } = TimeSpan.FromMinutes(15);
}
