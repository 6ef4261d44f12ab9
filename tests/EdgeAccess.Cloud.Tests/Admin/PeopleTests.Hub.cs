using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary>
/// The real hub on loopback against its own fresh database, with the people admin services
/// (people, cards, groups, memberships, audit, import) mapped, typed clients and signed-in call
/// options for every role. Like <see cref="HubHost"/>, but it wires those services itself when
/// the hub's own <c>CloudExtensions</c> does not (yet), so these tests run either way.
/// </summary>
public sealed class PeopleHub : IAsyncLifetime
{
    private readonly HubHost _host = new();

    /// <summary><c>http://127.0.0.1:port</c> of the gRPC-web (HTTP/1.1) listener.</summary>
    public Uri WebAddress { get; private set; } = null!;

    /// <summary>A channel to the h2c gRPC listener.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.PersonService</c>.</summary>
    public PersonService.Client People { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.CardService</c>.</summary>
    public CardService.Client Cards { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.GroupService</c>.</summary>
    public GroupService.Client Groups { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.MembershipService</c>.</summary>
    public MembershipService.Client Memberships { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.AuditService</c>.</summary>
    public AuditService.Client Audit { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.ImportService</c>.</summary>
    public ImportService.Client Import { get; private set; } = null!;

    /// <summary>Call options of a signed-in admin.</summary>
    public CallOptions Admin { get; private set; }

    /// <summary>The user name of <see cref="Admin"/> (the audit trail's actor).</summary>
    public string AdminName { get; private set; } = "";

    /// <summary>Call options of a signed-in operator.</summary>
    public CallOptions Operator { get; private set; }

    /// <summary>Call options of a signed-in auditor.</summary>
    public CallOptions Auditor { get; private set; }

    /// <summary>Call options of a signed-in member linked to no person.</summary>
    public CallOptions Member { get; private set; }

    /// <summary>The running hub.</summary>
    public WebApplication App => _host.App;

    /// <summary>A name no other test uses, e.g. <c>Ada 3f2a9c1b</c>.</summary>
    public static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        WebAddress = _host.WebAddress;
        Channel = _host.Channel;
        People = new PersonService.Client(Channel);
        Cards = new CardService.Client(Channel);
        Groups = new GroupService.Client(Channel);
        Memberships = new MembershipService.Client(Channel);
        Audit = new AuditService.Client(Channel);
        Import = new ImportService.Client(Channel);
        AdminName = Unique("admin").Replace(' ', '-');
        Admin = await SignInAsync(UserRole.Admin, username: AdminName).WithTimeout();
        Operator = await SignInAsync(UserRole.Operator).WithTimeout();
        Auditor = await SignInAsync(UserRole.Auditor).WithTimeout();
        Member = await SignInAsync(UserRole.Member).WithTimeout();
    }

    /// <summary>Runs <paramref name="query"/> on a fresh database context.</summary>
    public async Task<T> QueryAsync<T>(Func<HubDbContext, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<HubDbContext>()).WithTimeout();
    }

    /// <summary>How many rows of <typeparamref name="T"/> match <paramref name="predicate"/>.</summary>
    public Task<int> CountAsync<T>(System.Linq.Expressions.Expression<Func<T, bool>> predicate)
        where T : class => QueryAsync(db => db.Set<T>().AsNoTracking().CountAsync(predicate));

    /// <summary>A signed-in user with <paramref name="role"/> (see <see cref="HubHost.SignInAsync"/>).</summary>
    public Task<CallOptions> SignInAsync(UserRole role, Guid? personId = null, string? username = null) => _host.SignInAsync(role, personId, username);

    /// <inheritdoc />
    public Task DisposeAsync() => _host.DisposeAsync();
}
