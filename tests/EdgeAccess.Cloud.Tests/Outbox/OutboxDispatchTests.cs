using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Outbox;

/// <summary>The outbox on a real PostgreSQL: transactional enqueue, claim, retry, dead letter, schedule, leases.</summary>
public sealed class OutboxDispatchTests
{
    [Fact]
    public async Task Enqueue_RolledBackTransaction_IsNeverDispatched()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock);
        await using (var scope = rig.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            OutboxWriter.Enqueue(db, OutboxRig.Topic, new OutboxRig.Work(1), time: clock);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }

        await using (var connection = await rig.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await OutboxWriter.EnqueueAsync(connection, tx, OutboxRig.Topic, new OutboxRig.Work(2), time: clock);
            await tx.RollbackAsync();
        }

        var dispatched = await rig.Dispatcher("a").DispatchDueAsync(CancellationToken.None).WithTimeout();

        Assert.Equal(0, dispatched);
        Assert.Empty(rig.Probe.Calls);
        Assert.Equal(0L, await rig.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task Enqueue_CommittedFromEfAndRawSql_DispatchedExactlyOnceAndCounted()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock);
        var ids = await rig.EnqueueAsync(1);
        await using (var connection = await rig.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            ids.Add((await OutboxWriter.EnqueueAsync(connection, tx, OutboxRig.Topic, new OutboxRig.Work(2), time: clock)).Id);
            await tx.CommitAsync();
        }

        using var counters = new CounterRecorder(OutboxRig.Topic);
        var dispatcher = rig.Dispatcher("a");
        Assert.Equal(2, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());

        Assert.Equal(ids.Order(), rig.Probe.Calls.Select(c => c.Id).Order());
        Assert.All(rig.Probe.Calls, c => Assert.Equal(1, c.Attempt));
        Assert.Equal(2L, await rig.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE completed_at IS NOT NULL AND locked_by IS NULL"));
        Assert.Equal(2, counters.Get("edgeaccess.outbox.dispatched"));
    }

    [Fact]
    public async Task Handler_FailsEveryTime_RetriedWithGrowingBackoffThenDeadLettered()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock, o => o.MaxAttempts = 3);
        rig.Probe.Behaviour = (_, _) => throw new InvalidOperationException("receiver down");
        var id = (await rig.EnqueueAsync(1))[0];
        var dispatcher = rig.Dispatcher("a");
        using var counters = new CounterRecorder(OutboxRig.Topic);

        // Attempt 1 fails: the next one waits 5–10 s (base 10 s, equal jitter).
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        var wait1 = await NextAttemptInAsync(rig, id, clock);
        Assert.InRange(wait1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());

        // Attempt 2, then 10–20 s.
        clock.Advance(wait1);
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        var wait2 = await NextAttemptInAsync(rig, id, clock);
        Assert.InRange(wait2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));

        // Attempt 3 is the last: dead letter with the error.
        clock.Advance(wait2);
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());

        await using var scope = rig.Scope();
        var row = await scope.ServiceProvider.GetRequiredService<HubDbContext>().OutboxMessages.SingleAsync(m => m.Id == id);
        Assert.Equal(3, row.Attempts);
        Assert.NotNull(row.FailedAt);
        Assert.Null(row.CompletedAt);
        Assert.Contains("receiver down", row.LastError, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], rig.Probe.Calls.Select(c => c.Attempt));
        Assert.Equal(3, counters.Get("edgeaccess.outbox.failed"));
        Assert.Equal(1, counters.Get("edgeaccess.outbox.dead_lettered"));
    }

    [Fact]
    public async Task Handler_PermanentFailure_DeadLetteredAtOnce()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock);
        rig.Probe.Behaviour = (_, _) => throw new OutboxPermanentException("HTTP 410");
        await rig.EnqueueAsync(1);

        await rig.Dispatcher("a").DispatchDueAsync(CancellationToken.None).WithTimeout();

        Assert.Equal(1L, await rig.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE failed_at IS NOT NULL AND attempts = 1"));
    }

    [Fact]
    public async Task ScheduledMessage_BeforeItsDueTime_Waits()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock);
        await rig.EnqueueAsync(1, dueAt: clock.GetUtcNow().AddHours(1));
        var dispatcher = rig.Dispatcher("a");

        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        await dispatcher.RefreshStatisticsAsync(CancellationToken.None).WithTimeout();
        Assert.Equal((0L, 1L), (dispatcher.Statistics.Single().Ready, dispatcher.Statistics.Single().Scheduled));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task Lease_WorkerDiedMidDispatch_AnotherInstanceTakesOverAfterExpiryAndTheDeadWorkerCannotComplete()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock, o => o.LeaseDuration = TimeSpan.FromMinutes(2));
        var id = (await rig.EnqueueAsync(1))[0];

        // "dead" claims the message and never reports back.
        var store = new OutboxStore(rig.DataSource);
        var now = clock.GetUtcNow();
        var lost = Assert.Single(await store.ClaimAsync("dead", [OutboxRig.Topic], 10, now, now + rig.Options.LeaseDuration, CancellationToken.None).WithTimeout());

        var survivor = rig.Dispatcher("survivor");
        Assert.Equal(0, await survivor.DispatchDueAsync(CancellationToken.None).WithTimeout());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await survivor.DispatchDueAsync(CancellationToken.None).WithTimeout());

        // The late outcome of the first claim is fenced off by (locked_by, attempts).
        Assert.False(await store.CompleteAsync(lost, "dead", clock.GetUtcNow(), CancellationToken.None).WithTimeout());
        var (single, attempt) = Assert.Single(rig.Probe.Calls.Select(c => (c.Id, c.Attempt)));
        Assert.Equal((id, 2), (single, attempt));
    }

    [Fact]
    public async Task OrderingKey_SeveralMessages_RunOneAtATimeOldestFirst()
    {
        var clock = new ManualClock();
        await using var rig = await OutboxRig.CreateAsync(clock);
        var first = await rig.EnqueueAsync(1, key: "booking-1");
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = await rig.EnqueueAsync(1, key: "booking-1");
        var dispatcher = rig.Dispatcher("a");

        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WithTimeout());

        Assert.Equal([first[0], second[0]], rig.Probe.Calls.Select(c => c.Id));
    }

    [Fact]
    public async Task TwoDispatchers_SharingOneDatabase_NeverRunOneMessageConcurrentlyAndDeliverEachOnce()
    {
        await using var rig = await OutboxRig.CreateAsync(TimeProvider.System, o => o.MaxConcurrency = 8);
        rig.Probe.Behaviour = (_, ct) => Task.Delay(Random.Shared.Next(0, 4), ct);
        var ids = await rig.EnqueueAsync(300);
        var a = rig.Dispatcher("hub-a");
        var b = rig.Dispatcher("hub-b");
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        try
        {
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            while (await rig.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE completed_at IS NULL") > 0)
            {
                await Task.Delay(50, cts.Token);
            }
        }
        finally
        {
            await a.StopAsync(CancellationToken.None).WithTimeout();
            await b.StopAsync(CancellationToken.None).WithTimeout();
        }

        Assert.False(rig.Probe.Overlapped);
        Assert.Equal(ids.Order(), rig.Probe.Calls.Select(c => c.Id).Order());
        Assert.Equal(300L, await rig.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE attempts = 1 AND locked_by IS NULL"));
    }

    private static async Task<TimeSpan> NextAttemptInAsync(OutboxRig rig, Guid id, ManualClock clock)
    {
        var next = await rig.ScalarAsync<DateTime>("SELECT next_attempt_at FROM outbox_messages WHERE id = $1", id);
        return new DateTimeOffset(next, TimeSpan.Zero) - clock.GetUtcNow();
    }
}

/// <summary>Sums the outbox counters for one topic while alive.</summary>
internal sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _values = [];
    private readonly Lock _lock = new();

    public CounterRecorder(string topic)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CloudTelemetry.Name && instrument.Name.StartsWith("edgeaccess.outbox.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "edgeaccess.outbox.topic" && (string?)tag.Value == topic)
                {
                    lock (_lock)
                    {
                        _values[instrument.Name] = _values.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        });
        _listener.Start();
    }

    public long Get(string name)
    {
        lock (_lock)
        {
            return _values.GetValueOrDefault(name);
        }
    }

    public void Dispose() => _listener.Dispose();
}
