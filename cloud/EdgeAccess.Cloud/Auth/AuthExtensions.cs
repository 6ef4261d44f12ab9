using System.Reflection;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace EdgeAccess.Cloud.Auth;

/// <summary>Sign-in, sessions, the auth interceptor, the permission map and the user admin API.</summary>
public static class AuthExtensions
{
    /// <summary>The trailer that tells a locked-out client how many seconds to wait.</summary>
    public const string RetryAfterTrailer = "retry-after-seconds";

    /// <summary>
    /// Registers auth: options (<c>EdgeAccess:Auth</c>, <c>EdgeAccess:Bootstrap</c>, validated at
    /// start), password hashing, sessions, the interceptor every call passes, and the bootstrap admin.
    /// Call it after the storage registration, so migrations run before the bootstrap admin is made.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RefreshTokenLifetime >= o.AccessTokenLifetime, "EdgeAccess:Auth:RefreshTokenLifetime must not be shorter than AccessTokenLifetime")
            .ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section)
            .Validate(
                o => !o.IsConfigured || (CredentialPolicy.CheckUsername(o.AdminUsername) is null && CredentialPolicy.CheckPassword(o.AdminPassword, o.AdminUsername!) is null),
                $"EdgeAccess:Bootstrap needs both AdminUsername ({CredentialPolicy.MinUsernameLength} to {CredentialPolicy.MaxUsernameLength} characters: letters, digits, '.', '_', '@', '-') and AdminPassword ({CredentialPolicy.MinPasswordLength} to {CredentialPolicy.MaxPasswordLength} characters, not the username)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<PermissionMap>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<LoginGuard>();
        services.AddSingleton<AuthInterceptor>();
        services.Configure<GrpcServerOptions>(o => o.AddInterceptor<AuthInterceptor>());

        // A refused login is a trailers-only response, which gRPC-web sends as HTTP headers: a
        // browser app can read this one only when CORS exposes it.
        services.Configure<GrpcWebOptions>(o => o.ExposedHeaders.Add(RetryAfterTrailer));
        services.AddHostedService<BootstrapAdmin>();
        return builder;
    }

    /// <summary>Maps <c>edgeaccess.v1.AuthService</c> and <c>edgeaccess.v1.UserService</c>.</summary>
    public static WebApplication MapEdgeAccessAuth(this WebApplication app)
    {
        app.MapAdminService<AuthGrpcService>();
        app.MapAdminService<UserGrpcService>();
        return app;
    }

    /// <summary>
    /// Maps <typeparamref name="TService"/> like <c>MapGrpcService</c> and records who may call each
    /// of its RPCs, read from the <see cref="AllowAttribute"/> or <see cref="AnonymousAttribute"/> on
    /// its override of the method. Fails closed: an RPC without either (or not overridden) stops
    /// the hub at start with an <see cref="InvalidOperationException"/> naming it.
    /// </summary>
    public static IEndpointConventionBuilder MapAdminService<TService>(this IEndpointRouteBuilder routes)
        where TService : class
    {
        var map = routes.ServiceProvider.GetService<PermissionMap>()
            ?? throw new InvalidOperationException("Call AddEdgeAccessAuth() before mapping admin services.");
        foreach (var (path, access) in ReadAccess(typeof(TService)))
        {
            map.Add(path, access);
        }

        return routes.MapGrpcService<TService>();
    }

    /// <summary>The access rule of every method of the protobuf service <paramref name="implementation"/> serves.</summary>
    internal static List<(string Path, MethodAccess Access)> ReadAccess(Type implementation)
    {
        var serviceBase = FindServiceBase(implementation)
            ?? throw new InvalidOperationException($"{implementation} does not derive from a generated gRPC ServiceBase class.");
        var descriptor = (ServiceDescriptor)serviceBase.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var rules = new List<(string, MethodAccess)>();
        var problems = new List<string>();
        foreach (var method in descriptor.Methods)
        {
            var path = $"/{descriptor.FullName}/{method.Name}";
            var overrides = implementation.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.Name == method.Name && m.GetBaseDefinition().DeclaringType == serviceBase && m.DeclaringType != serviceBase)
                .ToList();
            if (overrides.Count != 1)
            {
                problems.Add($"{path} is not overridden by {implementation.Name} (serve it, and mark it [Allow(...)] or [Anonymous])");
                continue;
            }

            var allow = overrides[0].GetCustomAttribute<AllowAttribute>();
            var anonymous = overrides[0].GetCustomAttribute<AnonymousAttribute>() is not null;
            switch (allow, anonymous)
            {
                case (null, false):
                    problems.Add($"{path} ({implementation.Name}.{method.Name}) has neither [Allow(...)] nor [Anonymous]");
                    break;
                case (not null, true):
                    problems.Add($"{path} ({implementation.Name}.{method.Name}) has both [Allow(...)] and [Anonymous]");
                    break;
                case ({ Roles.Count: 0 }, false):
                    problems.Add($"{path} ({implementation.Name}.{method.Name}) has [Allow] without roles");
                    break;
                default:
                    rules.Add((path, anonymous ? MethodAccess.Public : new MethodAccess(false, allow!.Roles.Distinct().Order().ToArray())));
                    break;
            }
        }

        return problems.Count == 0
            ? rules
            : throw new InvalidOperationException("Every RPC must declare who may call it; refusing to start: " + string.Join("; ", problems));
    }

    private static Type? FindServiceBase(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGrpcServiceBase<>) && i.GetGenericArguments()[0] == current))
            {
                return current;
            }
        }

        return null;
    }
}
