using System.Diagnostics.Metrics;
using EdgeAccess.Edge.Replica.Tests.Infrastructure;

namespace EdgeAccess.Edge.Replica.Tests;

public sealed class EventJournalTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _cancellation = new(TimeSpan.FromMinutes(1));

    private CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _cancellation.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Open_EmptyDirectory_MigratesWithWalAndFullSync()
    {
        using var journal = EventJournal.Open(_dir.Options());

        Assert.Equal((0L, 0L, 0L), (journal.LastSequence, journal.Count, journal.UnacknowledgedCount));
        Assert.Equal(1L, journal.Pragma("user_version"));
        Assert.Equal("wal", journal.Pragma("journal_mode"));
        Assert.Equal(2L, journal.Pragma("synchronous")); // FULL
    }

    [Fact]
    public async Task Append_ThenReadUnacked_InSequenceOrderWithPaging()
    {
        using var journal = EventJournal.Open(_dir.Options());
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(i + 1, await journal.AppendAsync("access.decision", [(byte)i], Feed.Start.AddSeconds(i), Token).WithTimeout());
        }

        var page = await journal.ReadUnackedAsync(2, 2, Token).WithTimeout();

        Assert.Equal([3L, 4L], page.Select(e => e.Seq));
        Assert.Equal(("access.decision", Feed.Start.AddSeconds(2), (byte)2), (page[0].Kind, page[0].OccurredAt, page[0].Payload[0]));
    }

    [Fact]
    public async Task Append_ConcurrentCallers_EachGetsItsOwnSequenceAndEveryEntryIsStoredOnce()
    {
        using var journal = EventJournal.Open(_dir.Options());
        var seqs = await Task.WhenAll(Enumerable.Range(0, 64).Select(caller => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 25; i++)
            {
                mine.Add(await journal.AppendAsync("door.decision", [(byte)caller, (byte)i], DateTimeOffset.UnixEpoch));
            }

            return (caller, mine);
        })));

        var all = seqs.SelectMany(s => s.mine).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 64 * 25).Select(i => (long)i), all);
        Assert.Equal(64 * 25, journal.UnacknowledgedCount);
        var stored = (await journal.ReadUnackedAsync(0, 10_000)).ToDictionary(e => e.Seq);
        foreach (var (caller, mine) in seqs)
        {
            // Each caller's answer names the entry holding its own payload, in its own order.
            for (var i = 0; i < mine.Count; i++)
            {
                Assert.Equal(new[] { (byte)caller, (byte)i }, stored[mine[i]].Payload);
            }
        }
    }

    [Fact]
    public async Task AckThrough_PrunesAcknowledgedOnly()
    {
        using var journal = EventJournal.Open(_dir.Options());
        for (var i = 0; i < 5; i++)
        {
            await journal.AppendAsync("e", [], Feed.Start, Token).WithTimeout();
        }

        var pruned = await journal.AckThroughAsync(3, Token).WithTimeout();

        Assert.Equal((3, 2L, 2L, 3L), (pruned, journal.Count, journal.UnacknowledgedCount, journal.AcknowledgedThrough));
        Assert.Equal([4L, 5L], (await journal.ReadUnackedAsync(0, 10, Token).WithTimeout()).Select(e => e.Seq));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => journal.AckThroughAsync(6, Token)).WithTimeout();
    }

    [Fact]
    public async Task Sequence_AfterPruningEverythingAndReopen_NeverReused()
    {
        using (var journal = EventJournal.Open(_dir.Options()))
        {
            await journal.AppendAsync("e", [], Feed.Start, Token).WithTimeout();
            await journal.AppendAsync("e", [], Feed.Start, Token).WithTimeout();
            await journal.AckThroughAsync(2, Token).WithTimeout();
            Assert.Equal(0, journal.Count);
        }

        using var reopened = EventJournal.Open(_dir.Options());
        Assert.Equal((2L, 2L), (reopened.LastSequence, reopened.AcknowledgedThrough));
        Assert.Equal(3, await reopened.AppendAsync("e", [], Feed.Start, Token).WithTimeout());
    }

    [Fact]
    public async Task Append_AtCapacity_DropsOldestAcknowledgedFirst()
    {
        using var journal = EventJournal.Open(_dir.Options(journalCapacity: 10, retainAcknowledged: 100));
        await AppendManyAsync(journal, 10);
        await journal.AckThroughAsync(6, Token).WithTimeout(); // retained: 1..6 acknowledged, 7..10 not

        await AppendManyAsync(journal, 3);

        Assert.Equal((10L, 7L), (journal.Count, journal.UnacknowledgedCount));
        Assert.Equal([7L, 8L, 9L, 10L, 11L, 12L, 13L], (await journal.ReadUnackedAsync(0, 100, Token).WithTimeout()).Select(e => e.Seq));
    }

    [Fact]
    public async Task Append_AllUnacknowledgedAtHardLimit_RejectedUntilAcked()
    {
        using var journal = EventJournal.Open(_dir.Options(journalCapacity: 10));
        await AppendManyAsync(journal, 20); // capacity exceeded: unacknowledged entries are kept up to 2x

        var full = await Assert.ThrowsAsync<JournalFullException>(() => journal.AppendAsync("e", [], Feed.Start, Token)).WithTimeout();

        Assert.Equal((20L, 20L), (full.Unacknowledged, full.HardLimit));
        Assert.Equal(20, journal.LastSequence); // a refused event consumes no number
        await journal.AckThroughAsync(5, Token).WithTimeout();
        Assert.Equal(21, await journal.AppendAsync("e", [], Feed.Start, Token).WithTimeout());
    }

    [Fact]
    public async Task FillRatio_CrossesAlarmLevel_RaisesAndClearsAlarmAndGauge()
    {
        using var meters = new TestMeterFactory();
        using var journal = EventJournal.Open(_dir.Options(journalCapacity: 10), meterFactory: meters);
        var changes = new List<bool>();
        journal.NearFullChanged += (_, _) => changes.Add(journal.IsNearFull);

        await AppendManyAsync(journal, 7);
        Assert.Equal((false, 0.7), (journal.IsNearFull, meters.Observe(ReplicaTelemetry.JournalFillRatio)));
        await AppendManyAsync(journal, 1);
        Assert.Equal((true, 0.8), (journal.IsNearFull, meters.Observe(ReplicaTelemetry.JournalFillRatio)));
        await journal.AckThroughAsync(4, Token).WithTimeout();

        Assert.Equal([true, false], changes);
        Assert.Equal(0.4, meters.Observe(ReplicaTelemetry.JournalFillRatio));
    }

    [Fact]
    public async Task Open_WithBacklog_RaisesAlarmAtStart()
    {
        using (var journal = EventJournal.Open(_dir.Options(journalCapacity: 10)))
        {
            await AppendManyAsync(journal, 9);
        }

        using var reopened = EventJournal.Open(_dir.Options(journalCapacity: 10));
        Assert.True(reopened.IsNearFull);
        Assert.Equal(0.9, reopened.FillRatio, 3);
    }

    private async Task AppendManyAsync(EventJournal journal, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await journal.AppendAsync("e", [(byte)i], Feed.Start, Token).WithTimeout();
        }
    }

    /// <summary>Meters scoped to this test, so parallel tests' journals are not observed.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public double Observe(string instrument)
        {
            double? value = null;
            using var listener = new MeterListener
            {
                InstrumentPublished = (i, l) =>
                {
                    if (i.Meter.Scope == this && i.Meter.Name == ReplicaTelemetry.MeterName && i.Name == instrument)
                    {
                        l.EnableMeasurementEvents(i);
                    }
                },
            };
            listener.SetMeasurementEventCallback<double>((_, measurement, _, _) => value = measurement);
            listener.Start();
            listener.RecordObservableInstruments();
            return value ?? throw new InvalidOperationException($"{instrument} not observed");
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
