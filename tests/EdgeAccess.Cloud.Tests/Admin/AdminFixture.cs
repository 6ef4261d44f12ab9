using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary>
/// The real hub on loopback (gRPC and gRPC-web) against its own fresh database, with the site,
/// schedule and grant admin services mapped, and signed-in call options for every role. Like
/// <see cref="HubHost"/>, but it maps those services itself when the hub's own wiring does not
/// (yet), so these tests do not depend on <c>CloudExtensions</c>.
/// </summary>
public sealed partial class AdminFixture : IAsyncLifetime
{
    private readonly HubHost _host = new();

    /// <summary><c>http://127.0.0.1:port</c> of the gRPC-web (HTTP/1.1) listener.</summary>
    public Uri WebAddress { get; private set; } = null!;

    /// <summary>A channel to the h2c gRPC listener.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.SiteService</c>.</summary>
    public SiteService.Client Sites { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.ScheduleService</c>.</summary>
    public ScheduleService.Client Schedules { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.GrantService</c>.</summary>
    public GrantService.Client Grants { get; private set; } = null!;

    /// <summary>Call options of a signed-in admin.</summary>
    public CallOptions Admin { get; private set; }

    /// <summary>Call options of a signed-in operator.</summary>
    public CallOptions Operator { get; private set; }

    /// <summary>Call options of a signed-in auditor.</summary>
    public CallOptions Auditor { get; private set; }

    /// <summary>Call options of a signed-in member.</summary>
    public CallOptions Member { get; private set; }

    /// <summary>The running hub.</summary>
    public WebApplication App => _host.App;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        WebAddress = _host.WebAddress;
        Channel = _host.Channel;
        Sites = new SiteService.Client(Channel);
        Schedules = new ScheduleService.Client(Channel);
        Grants = new GrantService.Client(Channel);
        Admin = await SignInAsync(UserRole.Admin).WithTimeout();
        Operator = await SignInAsync(UserRole.Operator).WithTimeout();
        Auditor = await SignInAsync(UserRole.Auditor).WithTimeout();
        Member = await SignInAsync(UserRole.Member).WithTimeout();
    }

    /// <summary>A new scope (dispose it) for white-box checks of the database.</summary>
    public AsyncServiceScope CreateScope() => App.Services.CreateAsyncScope();

    /// <summary>Runs <paramref name="query"/> on a fresh database context.</summary>
    public async Task<T> QueryAsync<T>(Func<HubDbContext, Task<T>> query)
    {
        await using var scope = CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<HubDbContext>()).WithTimeout();
    }

    /// <summary>A signed-in user with <paramref name="role"/> (see <see cref="HubHost.SignInAsync"/>).</summary>
    public Task<CallOptions> SignInAsync(UserRole role) => _host.SignInAsync(role);

    /// <inheritdoc />
    public Task DisposeAsync() => _host.DisposeAsync();
}
