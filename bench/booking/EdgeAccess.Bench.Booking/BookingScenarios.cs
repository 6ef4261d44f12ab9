using System.Globalization;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// CreateBooking throughput with the conflict check (the exclusion constraint) on one hot
/// resource, with distinct free slots and racing for the same slots, and across many resources.
/// </summary>
internal sealed class BookingScenarios(World world, BenchOptions options, Report report, Cpu cpu)
{
    // Two days ahead at 00:00 UTC: on the 15-minute grid of Europe/Berlin (whole-hour offsets), past any notice.
    private static readonly DateTimeOffset Base = new DateTimeOffset(TimeProvider.System.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(2);

    private const string RaceRow = "1 hot resource, all callers race for the same slots";

    private readonly List<(string Name, LoadResult Result)> _rows = [];
    private readonly List<(string Name, string Table)> _statements = [];

    public async Task RunAsync(CancellationToken ct)
    {
        var callers = world.Callers;
        var duration = TimeSpan.FromSeconds(options.Seconds);

        // Warm-up (JIT, plans, pools) on a resource of its own, not reported.
        var warm = await world.CreateResourceAsync("warm-up", 0, 3, ct);
        var warmNext = -1;
        Report.Progress($"warm-up: {options.WarmupSeconds} s");
        await Load.RunAsync(callers, TimeSpan.FromSeconds(options.WarmupSeconds),
            (c, _) => () => BookAsync(c, warm, Interlocked.Increment(ref warmNext), ct), world.Hub, cpu, ct);

        // 1a. One hot resource, every caller takes the next free slot: all succeed.
        if (options.Runs("hot"))
        {
            var hot = await world.CreateResourceAsync("hot", 0, 0, ct);
            var next = -1;
            Report.Progress($"hot resource, distinct slots: {options.Seconds} s, {callers.Count} callers");
            var distinct = await TimedAsync("1 hot resource, distinct free slots",
                () => Load.RunAsync(callers, duration, (c, _) => () => BookAsync(c, hot, Interlocked.Increment(ref next), ct), world.Hub, cpu, ct), ct);
            await CheckAsync(hot, distinct.Count(Outcome.Ok), ct);
        }

        // 1b. One hot resource, every caller tries the same slots in the same order: one wins each.
        if (options.Runs("race"))
        {
            var race = await world.CreateResourceAsync("race", 0, 1, ct);
            Report.Progress($"hot resource, racing: {options.RaceSlots} slots × {callers.Count} callers");
            var raced = await TimedAsync(RaceRow,
                () => Load.RunAsync(callers, duration * 3, (c, i) => i < options.RaceSlots ? () => BookAsync(c, race, i, ct) : null, world.Hub, cpu, ct), ct);
            await CheckAsync(race, raced.Count(Outcome.Ok), ct);
        }

        // 2. Many resources, each call on a random one, its next free slot.
        if (options.Runs("across"))
        {
            Report.Progress($"creating {options.Resources} resources on {options.Sites} sites");
            var resources = await World.Parallel(options.Resources, i => world.CreateResourceAsync($"res-{i:D4}", i % options.Sites, i / options.Sites, ct));
            var counters = new int[resources.Length];
            Array.Fill(counters, -1);
            var random = callers.Select(c => new Random(c.Index)).ToArray();
            Func<Caller, int, Func<Task<Outcome>>?> spread = (c, _) =>
            {
                var r = random[c.Index].Next(resources.Length);
                var slot = Interlocked.Increment(ref counters[r]);
                return () => BookAsync(c, resources[r], slot, ct);
            };
            Report.Progress($"across {resources.Length} resources: warm-up {options.WarmupSeconds} s, then {options.Seconds} s");
            await Load.RunAsync(callers, TimeSpan.FromSeconds(options.WarmupSeconds), spread, world.Hub, cpu, ct);
            var before = await ActiveAsync(resources, ct);
            var across = await TimedAsync($"2 across {resources.Length:N0} resources, random resource per call",
                () => Load.RunAsync(callers, duration, spread, world.Hub, cpu, ct), ct);
            var after = await ActiveAsync(resources, ct);
            if (after - before != across.Count(Outcome.Ok))
            {
                throw new InvalidOperationException($"across: {across.Count(Outcome.Ok)} calls answered booked but {after - before} bookings were stored");
            }
        }

        Write();
    }

    /// <summary>Runs a timed phase and keeps its row (and, with --statements, its statement profile).</summary>
    private async Task<LoadResult> TimedAsync(string name, Func<Task<LoadResult>> run, CancellationToken ct)
    {
        if (options.Statements)
        {
            await StatementProfile.ResetAsync(world.Hub.DataSource, ct);
        }

        var result = await run();
        _rows.Add((name, result));
        if (options.Statements)
        {
            _statements.Add((name, await StatementProfile.TakeAsync(world.Hub.DataSource, result.Total, 25, ct)));
        }

        return result;
    }

    private Task<Outcome> BookAsync(Caller caller, string resource, int slot, CancellationToken ct)
    {
        var start = Base.AddMinutes((long)slot * options.BookingMinutes);
        var booking = new Protos.V1.Booking
        {
            ResourceId = resource,

            // Members book for their own person (empty: the caller's); admins name a person (the next caller's).
            PersonId = caller.IsAdmin ? world.Callers[(caller.Index + 1) % world.Callers.Count].PersonId : "",
            StartTime = Timestamp.FromDateTimeOffset(start),
            EndTime = Timestamp.FromDateTimeOffset(start.AddMinutes(options.BookingMinutes)),
        };
        return Book();

        async Task<Outcome> Book()
        {
            var answer = await caller.Booking.CreateBookingAsync(new CreateBookingRequest { Booking = booking }, caller.Call with { CancellationToken = ct }).ResponseAsync;
            return answer.Status == BookingStatus.Confirmed ? Outcome.Ok : Outcome.Error;
        }
    }

    // The database agrees with the answers: as many active bookings as "booked" answers, none overlapping.
    private async Task CheckAsync(string resource, int booked, CancellationToken ct)
    {
        var id = Guid.Parse(resource);
        var stored = await world.Hub.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE resource_id = $1 AND status IN (1, 2, 3)", ct, id);
        var overlaps = await world.Hub.ScalarAsync<long>(
            """
            SELECT count(*) FROM bookings a JOIN bookings b ON a.resource_id = b.resource_id AND a.id < b.id
            WHERE a.resource_id = $1 AND a.status IN (1, 2, 3) AND b.status IN (1, 2, 3)
              AND a.starts_at < b.occupied_until AND b.starts_at < a.occupied_until
            """, ct, id);
        if (stored != booked || overlaps != 0)
        {
            throw new InvalidOperationException($"resource {resource}: {booked} answered booked, {stored} stored, {overlaps} overlapping pairs");
        }
    }

    private Task<long> ActiveAsync(string[] resources, CancellationToken ct) =>
        world.Hub.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE resource_id = ANY($1) AND status IN (1, 2, 3)", ct, resources.Select(Guid.Parse).ToArray());

    private void Write()
    {
        report.Heading("1–2. CreateBooking throughput");
        report.Line($"{world.Callers.Count} concurrent callers ({world.Callers.Count(c => !c.IsAdmin)} members booking for themselves, {world.Callers.Count(c => c.IsAdmin)} admins booking for another person) " +
            $"over {world.Hub.Channels.Count} HTTP/2 connections; {options.BookingMinutes}-minute bookings on the 15-minute grid, default rules; every resource opens one door, " +
            $"so each booking also recompiles its booker's right at that door and publishes it on the site's feed. Latency is the client's, per call; p50/p99 of successful bookings. " +
            "CPU in cores: this process (hub + clients) / PostgreSQL / other processes; and the CPU time per call (hub + clients, PostgreSQL), " +
            "which other load on the machine distorts less than the rates.");
        report.Line("");
        report.Header("run", "s", "calls", "booked", "conflicts (with alternatives)", "errors", "**booked/s**", "calls/s", "p50 ms", "p99 ms", "p99.9 ms", "CPU own / pg / others", "CPU ms per call own + pg");
        foreach (var (name, r) in _rows)
        {
            var ok = r.Latency(Outcome.Ok);
            report.Row(name, F(r.Elapsed.TotalSeconds, 1), r.Total, r.Count(Outcome.Ok),
                $"{r.Count(Outcome.Conflict) + r.Count(Outcome.ConflictWithoutAlternatives)} ({r.Count(Outcome.Conflict)})",
                r.Count(Outcome.Error), $"**{F(r.Rate(Outcome.Ok), 0)}**", F(r.Total / r.Elapsed.TotalSeconds, 0),
                Stats.Ms(ok.P(0.5)), Stats.Ms(ok.P(0.99)), Stats.Ms(ok.P(0.999)), r.Cpu, r.CpuPerCall);
        }

        foreach (var race in _rows.Where(r => r.Name == RaceRow).Select(r => r.Result))
        {
            var lost = race.Latency(Outcome.Conflict, Outcome.ConflictWithoutAlternatives);
            report.Line("");
            var wins = race.Count(Outcome.Ok) == options.RaceSlots ? "each slot won exactly once" : $"**{race.Count(Outcome.Ok)} wins for {options.RaceSlots} slots**";
            report.Line($"Race: {options.RaceSlots} slots × {world.Callers.Count} callers; {wins} ({race.Count(Outcome.Ok)} wins, checked in the database: " +
                $"as many active bookings, no overlapping pair). Lost calls: {lost.Count:N0}, every one FAILED_PRECONDITION " +
                $"{(race.Count(Outcome.ConflictWithoutAlternatives) == 0 ? "with alternatives in `booking-alternatives`" : $"— {race.Count(Outcome.ConflictWithoutAlternatives)} WITHOUT alternatives")}; " +
                $"their latency p50 {Stats.Ms(lost.P(0.5))} ms, p99 {Stats.Ms(lost.P(0.99))} ms (rollback + reading the free time around the slot).");
        }

        report.Line("");
        report.Line("PostgreSQL backends of the hub database by state (average count over 50 ms samples; `CPU` = running, `Lock:*` = waiting for a lock, `IO:WALSync`/`LWLock:WALWrite` = commit flush):");
        report.Line("");
        foreach (var (name, r) in _rows)
        {
            report.Line($"- {name}: {(r.Waits.Length == 0 ? "—" : r.Waits)}");
        }

        report.Line("");
        report.Line("Rows PostgreSQL read per call, top tables (`pg_stat_user_tables`: sequential-scan rows, scans, index fetches):");
        report.Line("");
        foreach (var (name, r) in _rows)
        {
            report.Line($"- {name}: {(r.Reads.Length == 0 ? "—" : r.Reads)}");
        }

        foreach (var (name, r) in _rows.Where(row => row.Result.Errors.Count > 0))
        {
            report.Line($"- errors in {name}: {string.Join("; ", r.Errors)}");
        }

        foreach (var (name, table) in _statements)
        {
            report.Line("");
            report.Line($"Top statements of \"{name}\" (`pg_stat_statements`, execution time only, per call of the phase):");
            report.Line("");
            report.Line(table);
        }
    }

    private static string F(double value, int digits) => value.ToString("N" + digits, CultureInfo.InvariantCulture);
}
