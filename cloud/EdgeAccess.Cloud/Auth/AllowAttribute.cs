using EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// Declares which roles may call an RPC; put it on every override of a generated service method.
/// A mapped method without it makes the hub refuse to start, so no RPC is ever open by accident.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AllowAttribute(params UserRole[] roles) : Attribute
{
    /// <summary>The roles that may call the method.</summary>
    public IReadOnlyList<UserRole> Roles { get; } = roles;
}

/// <summary>Declares an RPC callable without signing in (login, token refresh).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AnonymousAttribute : Attribute;
