namespace EdgeAccess.Edge.HubLink;

/// <summary>Where the node's sync stream stands, for health, metrics and tests.</summary>
public sealed class SyncStatus
{
    private readonly Lock _lock = new();

    /// <summary>Whether a stream is open and the hub has spoken on it.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>When the hub last sent anything.</summary>
    public DateTimeOffset? LastHeardAt { get; private set; }

    /// <summary>The site's head as the hub last reported it.</summary>
    public long HubHead { get; private set; }

    /// <summary>The replica position last acknowledged to the hub.</summary>
    public long AckedPosition { get; private set; }

    /// <summary>The journal sequence the hub acknowledged last.</summary>
    public long JournalAckedThrough { get; private set; }

    /// <summary>Journal entries the hub has not acknowledged.</summary>
    public long JournalPending { get; private set; }

    /// <summary>How many streams were opened since start.</summary>
    public int Sessions { get; private set; }

    /// <summary>Why the last stream ended (null while none ended).</summary>
    public string? LastError { get; private set; }

    internal void Opening()
    {
        lock (_lock)
        {
            Sessions++;
        }
    }

    internal void Heard(DateTimeOffset at)
    {
        lock (_lock)
        {
            LastHeardAt = at;
            IsConnected = true;
        }
    }

    internal void Connected(DateTimeOffset at, long? head, long position)
    {
        lock (_lock)
        {
            IsConnected = true;
            LastHeardAt = at;
            HubHead = head ?? Math.Max(HubHead, position);
            AckedPosition = position;
        }
    }

    internal void JournalAcknowledged(long through, long pending)
    {
        lock (_lock)
        {
            JournalAckedThrough = through;
            JournalPending = pending;
        }
    }

    internal void Disconnected(string? error = null)
    {
        lock (_lock)
        {
            IsConnected = false;
            LastError = error ?? LastError;
        }
    }

    internal void Failed(string error)
    {
        lock (_lock)
        {
            IsConnected = false;
            LastError = error;
        }
    }
}
