using Microsoft.Data.Sqlite;

namespace EdgeAccess.Edge.Replica.Internal;

/// <summary>How a database file is opened: its journal mode and <c>synchronous</c> level.</summary>
internal enum Durability
{
    /// <summary>WAL + synchronous=NORMAL: consistent after power loss, last commits may roll back.</summary>
    WalNormal,

    /// <summary>WAL + synchronous=FULL: a commit is on disk before it returns.</summary>
    WalFull,

    /// <summary>Rollback journal, synchronous=OFF: a scratch file that is fsynced explicitly before use.</summary>
    Scratch,
}

/// <summary>Opens SQLite files with the project's pragmas and migrates them.</summary>
internal static class SqliteDatabase
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    /// <summary>Opens (creating) <paramref name="path"/> and applies the pragmas of <paramref name="durability"/>.</summary>
    public static SqliteConnection Open(string path, Durability durability, TimeSpan busyTimeout)
    {
        _ = Initialized.Value;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Pooling would keep the file open after Close(), which the snapshot swap must not see.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var journalMode = durability == Durability.Scratch ? "DELETE" : "WAL";
            var actual = Scalar(connection, $"PRAGMA journal_mode={journalMode}") as string;
            if (!string.Equals(actual, journalMode, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused journal_mode={journalMode} for {path} (got {actual}).");
            }

            // synchronous is a property of the connection, not of a table or file
            // (https://www.sqlite.org/pragma.html#pragma_synchronous): hence one file per durability.
            var synchronous = durability switch
            {
                Durability.WalFull => "FULL",
                Durability.WalNormal => "NORMAL",
                _ => "OFF",
            };
            Execute(connection, $"PRAGMA synchronous={synchronous}");
            Execute(connection, "PRAGMA foreign_keys=ON");
            Execute(connection, $"PRAGMA busy_timeout={(int)busyTimeout.TotalMilliseconds}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies the embedded migrations under <paramref name="resourceFolder"/> that are newer than
    /// the file's <c>user_version</c>, each in its own transaction together with its version bump.
    /// </summary>
    public static int Migrate(SqliteConnection connection, string resourceFolder)
    {
        var current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        var applied = 0;
        foreach (var (version, sql) in Migrations.For(resourceFolder))
        {
            if (version <= current)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            Execute(connection, sql, transaction);
            // user_version lives in the database header, so it commits or rolls back with the DDL.
            Execute(connection, $"PRAGMA user_version={version}", transaction);
            transaction.Commit();
            applied++;
        }

        return applied;
    }

    /// <summary>Runs a statement without results.</summary>
    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a statement and returns the first column of the first row.</summary>
    public static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    /// <summary>Deletes a database file together with its -wal, -shm and -journal companions.</summary>
    public static void DeleteFiles(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(path + suffix);
        }
    }
}
