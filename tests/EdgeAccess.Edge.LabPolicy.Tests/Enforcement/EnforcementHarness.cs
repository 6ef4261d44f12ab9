using System.Diagnostics;
using EdgeAccess.Edge.LabPolicy.Enforcement;
using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Edge.LabPolicy.Tests.Processes;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Tests.Enforcement;

/// <summary>
/// A <see cref="LabEnforcer"/> on the real clock and the real <c>/proc</c>, journaling into a real
/// <see cref="EventJournal"/> in a temp folder, ticked like the worker ticks it (every check
/// interval). Owns the test's <see cref="TestPrograms"/>: disposing ends every child process.
/// </summary>
public sealed class EnforcementHarness : IAsyncDisposable
{
    private readonly List<LabOutcome> _outcomes = [];
    private readonly Lock _lock = new();
    private LabEnforcer? _enforcer;

    /// <summary>Creates the folder, the journal and the programs' folder.</summary>
    public EnforcementHarness()
    {
        Directory.CreateDirectory(DataDirectory);
        Journal = EventJournal.Open(new ReplicaOptions { DataDirectory = DataDirectory });
    }

    /// <summary>The test's controlled programs.</summary>
    public TestPrograms Programs { get; } = new();

    /// <summary>The temp folder of the journal and the state file.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "edgeaccess-lab-data-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The journal.</summary>
    public EventJournal Journal { get; }

    /// <summary>The replica records the ticks see.</summary>
    public List<ResourceRecord> Resources { get; } = [];

    /// <summary>The bookings the ticks see.</summary>
    public List<BookingRecord> Bookings { get; } = [];

    /// <summary>The account links the ticks see.</summary>
    public List<NodeAccountRecord> Accounts { get; } = [];

    /// <summary>Local account names (a passwd stand-in: the test uids have no passwd entry).</summary>
    public Dictionary<long, string> LocalNames { get; } = [];

    /// <summary>How the warner reaches users (no real terminals by default).</summary>
    public LocalWarnerOptions Warner { get; } = new() { DeviceDirectory = "/nonexistent" };

    /// <summary>SIGTERM to SIGKILL.</summary>
    public TimeSpan TerminateWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The state file.</summary>
    public string StatePath => Path.Combine(DataDirectory, "lab-policy.state.json");

    /// <summary>The outcomes reported so far.</summary>
    public IReadOnlyList<LabOutcome> Outcomes
    {
        get
        {
            lock (_lock)
            {
                return [.. _outcomes];
            }
        }
    }

    /// <summary>The enforcer, created on first use (so tests configure the harness first).</summary>
    public LabEnforcer Enforcer => _enforcer ??= Create();

    /// <summary>Drops the enforcer as a restart would (its state file stays).</summary>
    public async Task RestartAsync()
    {
        if (_enforcer is not null)
        {
            await _enforcer.WhenIdleAsync().WithTimeout();
        }

        _enforcer = null;
    }

    /// <summary>One tick.</summary>
    public Task<LabTickResult> TickAsync() =>
        Enforcer.TickAsync(new LabRecords(Resources, Bookings, Accounts, TimeZoneInfo.Utc), _ => false, CancellationToken.None).WithTimeout();

    /// <summary>Ticks every check interval until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    public async Task<bool> TickUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var result = await TickAsync();
            if (condition())
            {
                return true;
            }

            var wait = result.Decision.Interval - result.Duration;
            // Poll the condition in between, so the test sees the moment it became true.
            var slice = Stopwatch.StartNew();
            while (slice.Elapsed < wait)
            {
                await Task.Delay(50);
                if (condition())
                {
                    return true;
                }
            }
        }

        return condition();
    }

    /// <summary>Ticks for <paramref name="duration"/>.</summary>
    public async Task TickForAsync(TimeSpan duration) => await TickUntilAsync(() => false, duration);

    /// <summary>Every journaled lab event, in order, after the background work finished.</summary>
    public async Task<List<(string Kind, LabProcessEvent Event)>> EventsAsync()
    {
        await Enforcer.WhenIdleAsync().WithTimeout();
        var entries = await Journal.ReadUnackedAsync(0, 10_000).WithTimeout();
        return [.. entries.Select(e => (e.Kind, LabProcessEvent.Parser.ParseFrom(e.Payload)))];
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_enforcer is not null)
            {
                await _enforcer.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        finally
        {
            Programs.Dispose();
            Journal.Dispose();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private LabEnforcer Create() => new(
        PolicyRecords.NodeId, new LabPolicyEngine(), new ProcessTerminator(TimeProvider.System, TerminateWait), new LocalWarner(Warner), Journal,
        TimeProvider.System, Observe, StatePath)
    {
        LocalUserName = uid => LocalNames.GetValueOrDefault(uid),
        // Root's processes read in full too: the engine must skip them itself.
        ReadProcesses = () => ProcessTable.Read(ProcessDetail.Full),
    };

    private void Observe(LabOutcome outcome)
    {
        lock (_lock)
        {
            _outcomes.Add(outcome);
        }
    }
}
