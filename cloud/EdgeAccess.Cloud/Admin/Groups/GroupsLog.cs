using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Admin.Groups;

/// <summary>Log events of the groups and memberships admin API (event ids 3260-3274).</summary>
internal static partial class GroupsLog
{
    [LoggerMessage(3260, LogLevel.Debug, "Group {GroupId} created", EventName = "GroupCreated")]
    public static partial void GroupCreated(ILogger logger, Guid groupId);

    [LoggerMessage(3261, LogLevel.Debug, "Group {GroupId} updated", EventName = "GroupUpdated")]
    public static partial void GroupUpdated(ILogger logger, Guid groupId);

    [LoggerMessage(3262, LogLevel.Information, "Group {GroupId} deleted", EventName = "GroupDeleted")]
    public static partial void GroupDeleted(ILogger logger, Guid groupId);

    [LoggerMessage(3263, LogLevel.Information, "Group {ChildId} nested in {ParentId}", EventName = "NestingAdded")]
    public static partial void NestingAdded(ILogger logger, Guid childId, Guid parentId);

    [LoggerMessage(3264, LogLevel.Information, "Group {ChildId} no longer nested in {ParentId}", EventName = "NestingRemoved")]
    public static partial void NestingRemoved(ILogger logger, Guid childId, Guid parentId);

    [LoggerMessage(3265, LogLevel.Information, "Nesting {ChildId} in {ParentId} refused: it would form a cycle of {Length} groups", EventName = "NestingCycleRefused")]
    public static partial void NestingCycleRefused(ILogger logger, Guid childId, Guid parentId, int length);

    [LoggerMessage(3266, LogLevel.Debug, "Membership {MembershipId} of person {PersonId} in group {GroupId} created", EventName = "MembershipCreated")]
    public static partial void MembershipCreated(ILogger logger, Guid membershipId, Guid personId, Guid groupId);

    [LoggerMessage(3267, LogLevel.Debug, "Membership {MembershipId} updated", EventName = "MembershipUpdated")]
    public static partial void MembershipUpdated(ILogger logger, Guid membershipId);

    [LoggerMessage(3268, LogLevel.Debug, "Membership {MembershipId} deleted", EventName = "MembershipDeleted")]
    public static partial void MembershipDeleted(ILogger logger, Guid membershipId);
}
