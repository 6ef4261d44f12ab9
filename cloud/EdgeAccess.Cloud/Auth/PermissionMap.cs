using System.Collections.Concurrent;
using EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Auth;

/// <summary>Who may call one RPC: anyone (<see cref="Anonymous"/>) or signed-in callers with one of <see cref="Roles"/>.</summary>
/// <param name="Anonymous">True when the RPC needs no token.</param>
/// <param name="Roles">The roles that may call it (empty when <paramref name="Anonymous"/>).</param>
public sealed record MethodAccess(bool Anonymous, IReadOnlyList<UserRole> Roles)
{
    /// <summary>Callable without signing in.</summary>
    public static MethodAccess Public { get; } = new(true, []);

    /// <summary>True when a caller with <paramref name="role"/> may call the RPC.</summary>
    public bool Allows(UserRole role) => Anonymous || Roles.Contains(role);

    /// <summary>The roles as text for error messages, e.g. <c>Admin or Operator</c>.</summary>
    public string Describe() => Anonymous ? "anyone" : string.Join(" or ", Roles);
}

/// <summary>
/// The access rule of every RPC the hub serves, keyed by its path (<c>/package.Service/Method</c>).
/// Filled at mapping time by <see cref="AuthExtensions.MapAdminService{TService}"/> from the
/// <see cref="AllowAttribute"/> / <see cref="AnonymousAttribute"/> of each implementation method;
/// an RPC that is not in the map is refused (fail closed).
/// </summary>
public sealed class PermissionMap
{
    /// <summary>
    /// Infrastructure services anyone may call: health checking and server reflection (what load
    /// balancers and generic tools expect to reach without credentials), and ServerInfo.
    /// </summary>
    public static IReadOnlySet<string> PublicServices { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "edgeaccess.v1.ServerInfoService",
    };

    private readonly ConcurrentDictionary<string, MethodAccess> _methods = new(StringComparer.Ordinal);

    /// <summary>The rules of the mapped admin services by method path.</summary>
    public IReadOnlyDictionary<string, MethodAccess> Methods => _methods;

    /// <summary>The rule for the method at <paramref name="path"/> (<c>/service/method</c>), or null when it has none.</summary>
    public MethodAccess? Find(string path)
    {
        if (_methods.TryGetValue(path, out var access))
        {
            return access;
        }

        var slash = path.LastIndexOf('/');
        return slash > 1 && PublicServices.Contains(path[1..slash]) ? MethodAccess.Public : null;
    }

    internal void Add(string path, MethodAccess access)
    {
        if (!_methods.TryAdd(path, access))
        {
            throw new InvalidOperationException($"{path} is mapped twice.");
        }
    }
}
