using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Auth;

/// <summary>Converts hub users and roles between the stored model and the API.</summary>
internal static class UserMapping
{
    /// <summary>The API role of a stored role.</summary>
    public static Role ToProto(Stored.UserRole role) => role switch
    {
        Stored.UserRole.Member => Role.Member,
        Stored.UserRole.Auditor => Role.Auditor,
        Stored.UserRole.Operator => Role.Operator,
        Stored.UserRole.Admin => Role.Admin,
        _ => Role.Unspecified,
    };

    /// <summary>The stored role of an API role; INVALID_ARGUMENT naming <paramref name="field"/> when unset or unknown.</summary>
    public static Stored.UserRole FromProto(Role role, string field) => role switch
    {
        Role.Member => Stored.UserRole.Member,
        Role.Auditor => Stored.UserRole.Auditor,
        Role.Operator => Stored.UserRole.Operator,
        Role.Admin => Stored.UserRole.Admin,
        Role.Unspecified => throw ApiErrors.Invalid(field, "is required"),
        _ => throw ApiErrors.Invalid(field, "is not a known role"),
    };

    /// <summary>The API view of a user; the lock shows only while it holds at <paramref name="now"/>.</summary>
    public static UserAccount ToProto(Stored.User user, DateTimeOffset now) => new()
    {
        Id = user.Id.ToString(),
        Username = user.Username,
        Role = ToProto(user.Role),
        PersonId = user.PersonId?.ToString() ?? "",
        Active = user.Active,
        Etag = Validate.ToEtag(user.Version),
        CreateTime = Validate.ToTimestamp(user.CreatedAt),
        UpdateTime = Validate.ToTimestamp(user.UpdatedAt),
        LockExpireTime = user.LockedUntil > now ? Validate.ToTimestamp(user.LockedUntil) : null,
    };
}
