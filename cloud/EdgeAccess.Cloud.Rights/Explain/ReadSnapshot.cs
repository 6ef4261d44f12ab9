using System.Data;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>
/// One consistent view of the model for a query that reads it in several statements: joins the
/// context's transaction when there is one, otherwise opens a REPEATABLE READ transaction (one
/// snapshot for every statement, PostgreSQL docs "Transaction Isolation" 13.2.2) and rolls it
/// back on dispose — the queries only read.
/// </summary>
internal sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly IDbContextTransaction? _own;

    private ReadSnapshot(HubDbContext db, IDbContextTransaction? own)
    {
        _own = own;
        (Connection, Transaction) = RightsCompiler.Connection(db);
    }

    /// <summary>The context's connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction every statement runs in.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>Joins or opens the snapshot.</summary>
    public static async Task<ReadSnapshot> BeginAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var own = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false)
            : null;
        return new ReadSnapshot(db, own);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync().ConfigureAwait(false);
        }
    }
}
