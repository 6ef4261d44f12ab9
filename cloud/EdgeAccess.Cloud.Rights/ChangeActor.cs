namespace EdgeAccess.Cloud.Rights;

/// <summary>Who makes a change (for the audit trail) and the client's request id, if any.</summary>
/// <param name="UserId">The hub user, or null for the system itself (bootstrap, import jobs).</param>
/// <param name="Name">The user name as shown in the audit trail.</param>
/// <param name="RequestId">The client request id that made the change, if given.</param>
public sealed record ChangeActor(Guid? UserId, string Name, string? RequestId = null)
{
    /// <summary>The hub itself (seeding, maintenance).</summary>
    public static ChangeActor System { get; } = new(null, "system");
}
