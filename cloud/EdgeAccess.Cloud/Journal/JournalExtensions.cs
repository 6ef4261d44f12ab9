using EdgeAccess.Cloud.Auth;

namespace EdgeAccess.Cloud.Journal;

/// <summary>The hub's side of the edge event journals: storage and the query API.</summary>
public static class JournalExtensions
{
    /// <summary>
    /// Registers the journal store (used by the sync stream) and the query behind
    /// <c>edgeaccess.v1.JournalService</c>. Needs the hub's storage (<c>NpgsqlDataSource</c>).
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessJournal(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LabReactions>();
        builder.Services.AddSingleton<JournalStore>();
        builder.Services.AddSingleton<JournalQuery>();
        return builder;
    }

    /// <summary>Maps <c>edgeaccess.v1.JournalService</c> with its access rules.</summary>
    public static WebApplication MapEdgeAccessJournal(this WebApplication app)
    {
        app.MapAdminService<JournalGrpcService>();
        return app;
    }
}
