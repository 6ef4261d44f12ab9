using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// Creates the first admin of a fresh hub from <c>EdgeAccess:Bootstrap</c> when the users table is
/// empty, so a new deployment can be signed in to without touching the database. Runs at start,
/// after the migrations (it is registered after them). Hubs starting together race harmlessly: the
/// unique user name lets one win.
/// </summary>
internal sealed class BootstrapAdmin(
    IServiceScopeFactory scopes,
    IOptions<BootstrapOptions> options,
    IPasswordHasher<User> hasher,
    TimeProvider time,
    ILogger<BootstrapAdmin> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value;
        if (!bootstrap.IsConfigured)
        {
            AuthLog.BootstrapAdminSkipped(logger, "EdgeAccess:Bootstrap is not configured");
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (await db.Users.AnyAsync(cancellationToken))
        {
            AuthLog.BootstrapAdminSkipped(logger, "the hub already has users");
            return;
        }

        var now = time.GetUtcNow();
        var admin = new User
        {
            Id = Guid.CreateVersion7(now),
            Username = bootstrap.AdminUsername!,
            PasswordHash = "",
            Role = UserRole.Admin,
        };
        admin.PasswordHash = hasher.HashPassword(admin, bootstrap.AdminPassword!);
        db.Users.Add(admin);
        try
        {
            await scope.ServiceProvider.GetRequiredService<HubChanges>().SaveAsync(db, ChangeActor.System, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            AuthLog.BootstrapAdminSkipped(logger, "another hub instance created it");
            return;
        }

        AuthLog.BootstrapAdminCreated(logger, admin.Username, admin.Id);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
