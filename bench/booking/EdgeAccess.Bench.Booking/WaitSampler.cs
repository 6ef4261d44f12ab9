using System.Globalization;
using Npgsql;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// Samples <c>pg_stat_activity</c> of the hub database every 50 ms while a phase runs and counts
/// what its backends were doing: running on CPU, waiting for the client (the hub), for a lock, for
/// the WAL flush of a commit (for lock waits, with the start of the waiting statement). A poor man's wait-event profile of where a booking's time goes in
/// PostgreSQL.
/// </summary>
internal sealed class WaitSampler : IAsyncDisposable
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _samples;

    private WaitSampler(NpgsqlDataSource dataSource) => _loop = Task.Run(() => LoopAsync(dataSource));

    public static WaitSampler Start(NpgsqlDataSource dataSource) => new(dataSource);

    /// <summary>Stops and returns the most frequent states as "state ×average backends".</summary>
    public async Task<string> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_samples == 0)
        {
            return "";
        }

        return string.Join(", ", _counts.OrderByDescending(c => c.Value).Take(7)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value / (double)_samples:F1}")));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync(NpgsqlDataSource dataSource)
    {
        const string Sql = """
            SELECT CASE WHEN state = 'active' AND wait_event_type = 'Lock'
                            THEN 'Lock:' || wait_event || ' in `' || left(regexp_replace(query, '\s+', ' ', 'g'), 32) || '…`'
                        WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU')
                        WHEN state = 'idle in transaction' THEN 'idle in transaction (hub)'
                        ELSE 'idle' END, count(*)::int
            FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1
            """;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(_stop.Token);
            while (!_stop.IsCancellationRequested)
            {
                await using (var command = new NpgsqlCommand(Sql, connection))
                await using (var reader = await command.ExecuteReaderAsync(_stop.Token))
                {
                    while (await reader.ReadAsync(_stop.Token))
                    {
                        var state = reader.GetString(0);
                        if (state != "idle")
                        {
                            _counts[state] = _counts.GetValueOrDefault(state) + reader.GetInt32(1);
                        }
                    }
                }

                _samples++;
                await Task.Delay(50, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
