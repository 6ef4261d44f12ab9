using System.Diagnostics.Metrics;
using EdgeAccess.Edge.Replica.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAccess.Edge.Replica;

/// <summary>
/// The node's event journal in <c>journal.db</c> (SQLite, WAL, synchronous=FULL): an entry whose
/// <see cref="AppendAsync"/> returned is on disk. Entries carry a per-node sequence that never
/// repeats, wait for the hub's acknowledgement (<see cref="AckThroughAsync"/>) and only then may be
/// pruned. Capacity policy: see <see cref="AppendAsync"/> and README.md.
/// </summary>
public sealed partial class EventJournal : IDisposable
{
    private readonly ReplicaOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingAppend> _pending = new();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private SqliteConnection? _connection;

    private EventJournal(ReplicaOptions options, ILogger logger, IMeterFactory? meterFactory)
    {
        _options = options;
        _logger = logger;
        _meter = ReplicaTelemetry.CreateMeter(meterFactory);
        _ownsMeter = meterFactory is null;
        _meter.CreateObservableGauge(ReplicaTelemetry.JournalFillRatio, () => FillRatio, unit: "1",
            description: "Unacknowledged event journal entries divided by the configured capacity (alarm at 0.8, refusal at 2).");
    }

    /// <summary>Raised when <see cref="IsNearFull"/> changes.</summary>
    public event EventHandler? NearFullChanged;

    /// <summary>Raised after an entry was appended and committed (outside the journal's lock), e.g. to wake the uploader.</summary>
    public event EventHandler? Appended;

    /// <summary>The last sequence number handed out (0: none yet).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Entries stored, acknowledged or not.</summary>
    public long Count { get; private set; }

    /// <summary>Entries waiting for the hub's acknowledgement.</summary>
    public long UnacknowledgedCount { get; private set; }

    /// <summary>The highest sequence the hub has acknowledged.</summary>
    public long AcknowledgedThrough { get; private set; }

    /// <summary><see cref="UnacknowledgedCount"/> / capacity; 2.0 is the hard limit.</summary>
    public double FillRatio => (double)UnacknowledgedCount / _options.JournalCapacity;

    /// <summary>True while <see cref="FillRatio"/> is at or above the alarm ratio.</summary>
    public bool IsNearFull { get; private set; }

    /// <summary>The unacknowledged entries above which appends are refused (twice the capacity).</summary>
    public long HardLimit => 2L * _options.JournalCapacity;

    private SqliteConnection Connection => _connection ?? throw new ObjectDisposedException(nameof(EventJournal));

    /// <summary>Opens (creating and migrating) the journal in <see cref="ReplicaOptions.DataDirectory"/>.</summary>
    public static EventJournal Open(ReplicaOptions options, ILogger<EventJournal>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var journal = new EventJournal(options, (ILogger?)logger ?? NullLogger.Instance, meterFactory);
        try
        {
            journal._connection = SqliteDatabase.Open(options.JournalPath, Durability.WalFull, options.BusyTimeout);
            SqliteDatabase.Migrate(journal._connection, Migrations.Journal);
            journal.LastSequence = (long)SqliteDatabase.Scalar(journal._connection, "SELECT last_seq FROM journal_head WHERE id = 1")!;
            journal.Count = (long)SqliteDatabase.Scalar(journal._connection, "SELECT count(*) FROM journal")!;
            journal.UnacknowledgedCount = (long)SqliteDatabase.Scalar(journal._connection, "SELECT count(*) FROM journal WHERE acked = 0")!;
            journal.AcknowledgedThrough = (long)SqliteDatabase.Scalar(journal._connection,
                "SELECT coalesce((SELECT min(seq) - 1 FROM journal WHERE acked = 0), (SELECT last_seq FROM journal_head))")!;
            ReplicaLog.JournalOpened(journal._logger, options.JournalPath, journal.LastSequence, journal.UnacknowledgedCount, options.JournalCapacity);
            journal.UpdateAlarm();
            return journal;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> unacknowledged entries after <paramref name="afterSeq"/>, in order.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadUnackedAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT seq, occurred_at, kind, payload FROM journal WHERE acked = 0 AND seq > $after ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var entries = new List<JournalEntry>();
            while (reader.Read())
            {
                entries.Add(new JournalEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.GetString(2), (byte[])reader.GetValue(3)));
            }

            return entries;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records the hub's acknowledgement of every entry up to <paramref name="seq"/>, then prunes
    /// acknowledged entries beyond <see cref="ReplicaOptions.JournalRetainAcknowledged"/>.
    /// </summary>
    /// <returns>How many entries were pruned.</returns>
    public async Task<int> AckThroughAsync(long seq, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (seq > LastSequence)
            {
                throw new ArgumentOutOfRangeException(nameof(seq), seq, $"Cannot acknowledge beyond the last sequence {LastSequence}.");
            }

            var connection = Connection;
            int acked, pruned;
            using (var transaction = connection.BeginTransaction())
            {
                acked = Execute(connection, transaction, "UPDATE journal SET acked = 1 WHERE acked = 0 AND seq <= $n", seq);
                pruned = Execute(connection, transaction, """
                    DELETE FROM journal WHERE acked = 1
                      AND seq NOT IN (SELECT seq FROM journal WHERE acked = 1 ORDER BY seq DESC LIMIT $n)
                    """, _options.JournalRetainAcknowledged);
                transaction.Commit();
            }

            UnacknowledgedCount -= acked;
            Count -= pruned;
            AcknowledgedThrough = Math.Max(AcknowledgedThrough, seq);
            UpdateAlarm();
            return pruned;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Continues numbering after <paramref name="seq"/> when the hub already holds events up to it
    /// (this journal was replaced by an older or empty one): unacknowledged entries are renumbered
    /// above it, keeping their order, so none of them collides with an event the hub has (it would
    /// be taken for a duplicate and dropped). Does nothing when the journal is already beyond it.
    /// </summary>
    public async Task SkipToAsync(long seq, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (seq <= LastSequence)
            {
                return;
            }

            // Every new number is above every old one, so the primary key never collides mid-update.
            var last = LastSequence + seq;
            using (var transaction = Connection.BeginTransaction())
            {
                Execute(Connection, transaction, "UPDATE journal SET seq = seq + $n WHERE acked = 0", seq);
                Execute(Connection, transaction, "UPDATE journal_head SET last_seq = $n WHERE id = 1", last);
                transaction.Commit();
            }

            LastSequence = last;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads a pragma of the store's connection (tests check the durability settings).</summary>
    internal object? Pragma(string name) => SqliteDatabase.Scalar(Connection, $"PRAGMA {name}");

    /// <inheritdoc />
    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
        if (_ownsMeter)
        {
            _meter.Dispose();
        }

        _gate.Dispose();
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, long n)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$n", n);
        return command.ExecuteNonQuery();
    }
}
