using System.Net;
using System.Net.Sockets;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using EdgeAccess.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>The permission map is built from the service attributes at mapping time and fails closed.</summary>
public sealed class PermissionMapTests
{
    [Fact]
    public async Task MapAdminService_RpcsWithoutValidDeclaration_ThrowsNamingEach()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddEdgeAccessGrpc();
        builder.Services.AddSingleton<PermissionMap>();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapAdminService<HalfDeclaredAuthService>());

        Assert.Contains("/edgeaccess.v1.AuthService/Refresh (HalfDeclaredAuthService.Refresh) has neither", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/edgeaccess.v1.AuthService/WhoAmI (HalfDeclaredAuthService.WhoAmI) has both", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/edgeaccess.v1.AuthService/ChangePassword (HalfDeclaredAuthService.ChangePassword) has [Allow] without roles", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/edgeaccess.v1.AuthService/Logout is not overridden", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AuthService/Login", ex.Message, StringComparison.Ordinal);
        Assert.Empty(app.Services.GetRequiredService<PermissionMap>().Methods);
        Assert.False(app.Services.GetRequiredService<GrpcServiceRegistry>().Contains(AuthService.ServiceName));
    }

    [Fact]
    public void ReadAccess_HubAuthServices_RulesFromAttributes()
    {
        var auth = AuthExtensions.ReadAccess(typeof(AuthGrpcService)).ToDictionary(r => r.Path, r => r.Access);
        var users = AuthExtensions.ReadAccess(typeof(UserGrpcService));

        Assert.True(auth["/edgeaccess.v1.AuthService/Login"].Anonymous);
        Assert.True(auth["/edgeaccess.v1.AuthService/Refresh"].Anonymous);
        Assert.Equal([UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin], auth["/edgeaccess.v1.AuthService/WhoAmI"].Roles);
        Assert.Equal(6, users.Count);
        Assert.All(users, r => Assert.Equal([UserRole.Admin], r.Access.Roles));
    }

    [Fact]
    public void Find_PublicInfrastructureUnknownAndMapped_Resolved()
    {
        var map = new PermissionMap();
        map.Add("/edgeaccess.v1.UserService/GetUser", new MethodAccess(false, [UserRole.Admin]));

        Assert.Same(MethodAccess.Public, map.Find("/grpc.health.v1.Health/Check"));
        Assert.Same(MethodAccess.Public, map.Find("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
        Assert.Same(MethodAccess.Public, map.Find("/edgeaccess.v1.ServerInfoService/GetServerInfo"));
        Assert.Equal([UserRole.Admin], map.Find("/edgeaccess.v1.UserService/GetUser")!.Roles);
        Assert.Null(map.Find("/edgeaccess.v1.UserService/ListUsers"));
        Assert.Null(map.Find("/grpc.health.v1.Healthy/Check"));
        Assert.Null(map.Find("garbage"));
    }

    [Fact]
    public async Task Call_ServiceMappedWithoutRules_PermissionDeniedBeforeAnyTokenCheck()
    {
        var port = FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k => k.ListenGrpc(IPAddress.Loopback, port));
        builder.Services.AddEdgeAccessGrpc(o => o.AddInterceptor<AuthInterceptor>());
        builder.Services.AddSingleton<PermissionMap>();
        builder.Services.AddOptions<AuthOptions>();
        builder.Services.AddSingleton(TimeProvider.System);

        // Nothing listens there: a token check would fail with INTERNAL, not PERMISSION_DENIED.
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Timeout=1"));
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<AuthInterceptor>();
        builder.Services.AddSingleton(new ProcessIdentity("cloud", "test", DateTimeOffset.UnixEpoch));
        await using var app = builder.Build();
        app.MapGrpcService<AuthGrpcService>();
        app.MapGrpcService<ServerInfoGrpcService>();
        await app.StartAsync().WithTimeout();
        using var channel = Grpc.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var auth = new AuthService.Client(channel);

        var anonymous = await AuthAssert.FailsWith(StatusCode.PermissionDenied, () => auth.LoginAsync(new LoginRequest()).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.PermissionDenied, () => auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(BearerTokens.New())).ResponseAsync);

        Assert.Equal("/edgeaccess.v1.AuthService/Login has no access rule on this hub", anonymous.Status.Detail);
        await new ServerInfoService.Client(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout();
        await app.StopAsync().WithTimeout();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HalfDeclaredAuthService : AuthService.ServiceBase
    {
        [Anonymous]
        public override Task<AuthTokens> Login(LoginRequest request, ServerCallContext context) => throw new NotSupportedException();

        public override Task<AuthTokens> Refresh(RefreshRequest request, ServerCallContext context) => throw new NotSupportedException();

        [Anonymous]
        [Allow(UserRole.Admin)]
        public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context) => throw new NotSupportedException();

        [Allow]
        public override Task<Google.Protobuf.WellKnownTypes.Empty> ChangePassword(ChangePasswordRequest request, ServerCallContext context) => throw new NotSupportedException();
    }
}
