using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.LabPolicy.Accounts;

/// <summary>One version of the node's account set.</summary>
/// <param name="Accounts">The whole set, as sent on the sync stream.</param>
/// <param name="Version">Increases with every change (1 for the first set read).</param>
public sealed record AccountReport(NodeAccounts Accounts, long Version);

/// <summary>
/// Keeps the node's latest OS account set (from the passwd file) and signals when it changes, so
/// the sync session sends the set after its hello and again whenever it changes. The file is
/// watched (<see cref="FileSystemWatcher"/> on its folder, so a replace-by-rename as useradd does is
/// seen) and polled by modification time and size as a fallback; a set is only published when its
/// content differs, and never while the file is unreadable (the hub keeps the last good set rather
/// than being told the node has no accounts).
/// </summary>
public sealed partial class AccountReporter
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private AccountReport? _current;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (DateTime Modified, long Length)? _seen;
    private bool _failing;

    /// <summary>Creates the reporter of <paramref name="path"/>; nothing is read before <see cref="Refresh"/>.</summary>
    public AccountReporter(string path, ILogger<AccountReporter> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _logger = logger;
    }

    /// <summary>The latest set, or null before the file was first read.</summary>
    public AccountReport? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// Re-reads the file if its modification time or size changed (or <paramref name="force"/>);
    /// true when a different set was published.
    /// </summary>
    public bool Refresh(bool force = false)
    {
        List<OsAccount> accounts;
        try
        {
            var info = new FileInfo(_path);
            var stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : ((DateTime, long)?)null;
            if (!force && stamp is not null && stamp == _seen)
            {
                return false;
            }

            accounts = [.. AccountSource.Read(_path)];
            _seen = stamp;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_failing)
            {
                _failing = true;
                AccountLog.Unreadable(_logger, _path, ex.Message);
            }

            return false;
        }

        _failing = false;
        TaskCompletionSource changed;
        AccountReport report;
        lock (_lock)
        {
            if (_current is not null && _current.Accounts.Accounts.SequenceEqual(accounts))
            {
                return false;
            }

            var set = new NodeAccounts();
            set.Accounts.AddRange(accounts);
            report = new AccountReport(set, (_current?.Version ?? 0) + 1);
            _current = report;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        AccountLog.Changed(_logger, _path, accounts.Count, report.Version);
        changed.TrySetResult();
        return true;
    }

    /// <summary>Waits for a set newer than <paramref name="seenVersion"/> (0: any set) and returns it.</summary>
    public async Task<AccountReport> WaitForChangeAsync(long seenVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_current is { } current && current.Version > seenVersion)
                {
                    return current;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the file now, then keeps it current until <paramref name="cancellationToken"/>: at once
    /// on a file-system event for it, and every <paramref name="pollInterval"/> in any case (events
    /// can be lost, and some file systems have none).
    /// </summary>
    public async Task WatchAsync(TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        Refresh(force: true);
        using var wake = new SemaphoreSlim(0, 1);
        using var watcher = CreateWatcher(wake);
        using var timer = new PeriodicTimer(pollInterval, time);
        var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
        var woken = wake.WaitAsync(cancellationToken);
        while (true)
        {
            var first = await Task.WhenAny(tick, woken).ConfigureAwait(false);
            if (first == tick)
            {
                if (!await tick.ConfigureAwait(false))
                {
                    return;
                }

                tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
                Refresh();
            }
            else
            {
                await woken.ConfigureAwait(false);
                // Let a writer that is not replacing the file atomically finish; then compare content
                // (a change within the same modification-time tick keeps the stamp).
                await Task.Delay(SettleDelay, time, cancellationToken).ConfigureAwait(false);
                woken = wake.WaitAsync(cancellationToken);
                Refresh(force: true);
            }
        }
    }

    /// <summary>How long after a file-system event the file is read.</summary>
    internal static TimeSpan SettleDelay { get; } = TimeSpan.FromMilliseconds(200);

    private FileSystemWatcher? CreateWatcher(SemaphoreSlim wake)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        try
        {
            var watcher = new FileSystemWatcher(directory, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            FileSystemEventHandler handler = (_, _) => Wake(wake);
            watcher.Changed += handler;
            watcher.Created += handler;
            watcher.Renamed += (_, _) => Wake(wake);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // inotify limits reached or no support: polling alone.
            AccountLog.NotWatched(_logger, _path, ex.Message);
            return null;
        }
    }

    private static void Wake(SemaphoreSlim wake)
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already woken, or stopped.
        }
    }
}
