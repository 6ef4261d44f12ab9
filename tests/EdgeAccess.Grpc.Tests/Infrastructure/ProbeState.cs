using System.Collections.Concurrent;

namespace EdgeAccess.Grpc.Tests.Infrastructure;

/// <summary>
/// What a test and the <see cref="ProbeServiceImpl"/> handlers of its server share: per-call signals
/// (keyed by <c>ProbeRequest.key</c>), an event log for ordering assertions, and a release gate.
/// </summary>
public sealed class ProbeState
{
    private readonly ConcurrentDictionary<string, CallSignals> _calls = new(StringComparer.Ordinal);
    private int _active;
    private int _maxActive;
    private int _handlerCalls;

    /// <summary>Ordered events recorded by handlers and test interceptors.</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>Completing it lets every held <c>Hold</c> stream finish.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The most <c>Hold</c> handlers that ran at the same time.</summary>
    public int MaxActive => Volatile.Read(ref _maxActive);

    /// <summary>How many handlers of ProbeService ran.</summary>
    public int HandlerCalls => Volatile.Read(ref _handlerCalls);

    /// <summary>The signals of the call with <paramref name="key"/>.</summary>
    public CallSignals For(string key) => _calls.GetOrAdd(key, static _ => new CallSignals());

    internal void HandlerCalled() => Interlocked.Increment(ref _handlerCalls);

    internal void Enter()
    {
        var now = Interlocked.Increment(ref _active);
        int max;
        while (now > (max = Volatile.Read(ref _maxActive)) && Interlocked.CompareExchange(ref _maxActive, now, max) != max)
        {
        }
    }

    internal void Exit() => Interlocked.Decrement(ref _active);
}

/// <summary>Signals of one call.</summary>
public sealed class CallSignals
{
    private int _writesCompleted;

    /// <summary>The handler started.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The handler's CancellationToken fired.</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every write of a <c>Produce</c> call completed.</summary>
    public TaskCompletionSource AllWritten { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Writes of a <c>Produce</c> call that completed so far.</summary>
    public int WritesCompleted => Volatile.Read(ref _writesCompleted);

    internal void WriteCompleted() => Interlocked.Increment(ref _writesCompleted);
}
