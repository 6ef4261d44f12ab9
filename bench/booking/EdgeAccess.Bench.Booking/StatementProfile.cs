using System.Globalization;
using System.Text;
using Npgsql;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// The statements PostgreSQL spent its time on during a phase (<c>pg_stat_statements</c>, reset
/// before the phase): calls and execution time per benchmark call, to see where a booking's
/// database time goes. Needs the module preloaded (<c>shared_preload_libraries</c>); with
/// <c>--statements</c> only.
/// </summary>
internal static class StatementProfile
{
    private const string Top = """
        SELECT calls, total_exec_time, rows, regexp_replace(query, '\s+', ' ', 'g')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT $1
        """;

    public static async Task ResetAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var create = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await create.ExecuteNonQueryAsync(ct);
        await using var reset = dataSource.CreateCommand("SELECT pg_stat_statements_reset()");
        await reset.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A Markdown table of the top statements by execution time, per benchmark call.</summary>
    public static async Task<string> TakeAsync(NpgsqlDataSource dataSource, int calls, int limit, CancellationToken ct)
    {
        var text = new StringBuilder();
        text.AppendLine("| statement | calls per call | ms per call | mean ms | rows per call |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        var perCall = Math.Max(1, calls);
        double total = 0;
        await using var command = dataSource.CreateCommand(Top);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (count, ms, rows, query) = (reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3));
            total += ms;
            var shown = query.Length > 110 ? query[..110] + "…" : query;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{shown.Replace("|", "\\|", StringComparison.Ordinal)}` | {(double)count / perCall:N2} | {ms / perCall:N3} | {ms / Math.Max(1, count):N3} | {(double)rows / perCall:N1} |"));
        }

        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| _these statements together_ | | **{total / perCall:N2}** | | |"));
        return text.ToString();
    }
}
