using EdgeAccess.Cloud.Admin.Audit;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Groups;
using EdgeAccess.Cloud.Admin.Import;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Grpc.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// Wiring of the people admin API: people, cards, groups (with nesting), memberships, the audit
/// trail and CSV import, over gRPC and gRPC-web.
/// </summary>
public static class AdminPeopleExtensions
{
    /// <summary>
    /// Registers the card-number hasher (its key <c>EdgeAccess:Secrets:CardHashKey</c> is checked
    /// at start), the PIN hasher, and raises the gRPC receive limit to fit the largest CSV import.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessPeopleAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CardHashOptions>()
            .BindConfiguration(CardHashOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CardHashOptions>, CardHashOptionsValidator>();
        builder.Services.TryAddSingleton<CardNumberHasher>();
        builder.Services.TryAddSingleton<IPasswordHasher<Entities.Card>, PasswordHasher<Entities.Card>>();
        builder.Services.TryAddSingleton<Idempotency>();

        // A whole CSV file travels in one request message; the default 4 MiB limit would refuse
        // an allowed 5 MiB file before the import could answer INVALID_ARGUMENT for a larger one.
        builder.Services.PostConfigure<GrpcServerOptions>(options =>
            options.MaxReceiveMessageSize = Math.Max(options.MaxReceiveMessageSize, ImportGrpcService.MaxCsvBytes + (256 * 1024)));
        return builder;
    }

    /// <summary>Maps the people admin services.</summary>
    public static WebApplication MapEdgeAccessPeopleAdmin(this WebApplication app)
    {
        // MapAdminService records each method's [Allow] roles for the auth interceptor.
        app.MapAdminService<PersonGrpcService>();
        app.MapAdminService<CardGrpcService>();
        app.MapAdminService<GroupGrpcService>();
        app.MapAdminService<MembershipGrpcService>();
        app.MapAdminService<AuditGrpcService>();
        app.MapAdminService<ImportGrpcService>();
        return app;
    }

    // Gives ValidateOnStart the precise message (missing, not base64, too short).
    private sealed class CardHashOptionsValidator : IValidateOptions<CardHashOptions>
    {
        public ValidateOptionsResult Validate(string? name, CardHashOptions options) =>
            CardHashOptions.Check(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
