using System.Globalization;
using Npgsql;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// Rows PostgreSQL read per table during a phase (<c>pg_stat_user_tables</c>: sequential-scan rows
/// and index fetches), to show which tables a call's work goes to. The statistics are flushed by
/// the backends at transaction end (at most once a second), so a phase's figures are approximate.
/// </summary>
internal static class TableReads
{
    private const string Sql = "SELECT relname, seq_tup_read, coalesce(idx_tup_fetch, 0), seq_scan FROM pg_stat_user_tables";

    public static async Task<Dictionary<string, (long Seq, long Index, long Scans)>> TakeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var result = new Dictionary<string, (long, long, long)>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        return result;
    }

    /// <summary>The top tables by rows read per call, "table seq rows (scans) + index rows".</summary>
    public static string PerCall(Dictionary<string, (long Seq, long Index, long Scans)> before, Dictionary<string, (long Seq, long Index, long Scans)> after, int calls)
    {
        if (calls == 0)
        {
            return "";
        }

        return string.Join(", ", after
            .Select(a => (Table: a.Key, Seq: a.Value.Seq - before.GetValueOrDefault(a.Key).Seq, Index: a.Value.Index - before.GetValueOrDefault(a.Key).Index,
                Scans: a.Value.Scans - before.GetValueOrDefault(a.Key).Scans))
            .OrderByDescending(t => t.Seq + t.Index).Take(5).Where(t => t.Seq + t.Index > 0)
            .Select(t => string.Create(CultureInfo.InvariantCulture,
                $"`{t.Table}` {(double)t.Seq / calls:N0} seq ({(double)t.Scans / calls:N1} scans) + {(double)t.Index / calls:N0} index")));
    }
}
