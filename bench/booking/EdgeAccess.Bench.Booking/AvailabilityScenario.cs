using System.Globalization;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// GetAvailability for a week on a busy resource: <see cref="BenchOptions.WeekBookings"/> active
/// bookings in the week (and as many in the week before and after), blackouts, queried by members
/// and admins, alone and concurrently.
/// </summary>
internal sealed class AvailabilityScenario(World world, BenchOptions options, Report report, Cpu cpu)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var resource = await world.CreateResourceAsync("week", 0, 2, ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), zone).DateTime);
        var week = today.AddDays(9);
        DateTimeOffset Local(DateOnly day, int quarter) =>
            new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone).AddMinutes(quarter * 15), TimeSpan.Zero);

        // A busy lab: per local day, 30- or 45-minute bookings separated by gaps of 0 or 15 minutes,
        // about WeekBookings per week, for the week before, the week queried and the week after.
        var random = new Random(5);
        var slots = new List<(DateTimeOffset Start, int Minutes)>();
        var perDay = (int)Math.Ceiling(options.WeekBookings / 7.0);
        var inWeek = 0;
        for (var d = -7; d < 14; d++)
        {
            var day = week.AddDays(d);
            var quarter = random.Next(0, 4);
            for (var n = 0; n < perDay && quarter < 96; n++)
            {
                var length = random.Next(2, 4);
                if (quarter + length > 96 || (d is >= 0 and < 7 && inWeek == options.WeekBookings))
                {
                    break;
                }

                slots.Add((Local(day, quarter), length * 15));
                inWeek += d is >= 0 and < 7 ? 1 : 0;
                quarter += length + random.Next(0, 2);
            }
        }

        Report.Progress($"availability: seeding {slots.Count} bookings ({inWeek} in the week) and {options.Blackouts} blackouts");
        var admin = world.Hub.Admin with { CancellationToken = ct };
        await World.Parallel(slots.Count, async i => await world.AdminBooking.CreateBookingAsync(new CreateBookingRequest
        {
            Booking = new Protos.V1.Booking
            {
                ResourceId = resource, PersonId = world.Callers[i % world.Callers.Count].PersonId,
                StartTime = Timestamp.FromDateTimeOffset(slots[i].Start), EndTime = Timestamp.FromDateTimeOffset(slots[i].Start.AddMinutes(slots[i].Minutes)),
            },
        }, admin).ResponseAsync);

        // Maintenance windows inside the week, over whatever is booked there (a blackout does not cancel bookings).
        for (var b = 0; b < options.Blackouts; b++)
        {
            var start = Local(week.AddDays(1 + b * 6 / Math.Max(1, options.Blackouts)), 40 + b * 3);
            await world.AdminBooking.CreateBlackoutAsync(new CreateBlackoutRequest
            {
                Blackout = new Blackout { ResourceId = resource, StartTime = Timestamp.FromDateTimeOffset(start), EndTime = Timestamp.FromDateTimeOffset(start.AddMinutes(150)), Reason = "maintenance" },
            }, admin).ResponseAsync;
        }

        var request = new GetAvailabilityRequest
        {
            ResourceId = resource, Date = week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Span = AvailabilitySpan.Week, DurationMinutes = 60,
        };
        var sample = await world.Callers[0].Booking.GetAvailabilityAsync(request, world.Callers[0].Call with { CancellationToken = ct }).ResponseAsync;
        var dayRequest = request.Clone();
        dayRequest.Span = AvailabilitySpan.Day;
        dayRequest.Date = week.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // Warm-up, then one caller alone and every caller at once.
        var one = world.Callers.Take(1).ToList();
        await Measure(one, request, 300, ct);
        Report.Progress($"availability: {options.Queries} week queries by 1 caller, then by {world.Callers.Count}, then {options.Queries} day queries");
        var alone = await Measure(one, request, options.Queries, ct);
        var together = await Measure(world.Callers, request, options.Queries, ct);
        var dayAlone = await Measure(one, dayRequest, options.Queries, ct);

        report.Heading("3. Week availability (GetAvailability)");
        report.Line($"Resource with {inWeek} active bookings in the queried week (30–45 min, gaps 0–15 min; {slots.Count} in the three weeks around it) and " +
            $"{options.Blackouts} 150-minute blackouts in it; site zone Europe/Berlin, 15-minute grid. Request: span WEEK, duration_minutes 60. " +
            $"Answer: {sample.Free.Count} free intervals, {sample.Slots.Count} one-hour slots, {sample.CalculateSize():N0} bytes. " +
            $"Callers are the same members and admins; {options.Queries:N0} queries per row after 300 warm-up queries.");
        report.Line("");
        report.Header("query", "callers", "queries/s", "p50 ms", "**p99 ms**", "p99.9 ms", "max ms", "errors", "CPU own / pg / others");
        Row("week", 1, alone);
        Row("week", world.Callers.Count, together);
        Row("day (same resource)", 1, dayAlone);
        report.Line("");
        report.Line($"Rows PostgreSQL read per week query (1 caller): {alone.Reads}.");
    }

    private void Row(string query, int callers, LoadResult r)
    {
        var s = r.Latency(Outcome.Ok);
        report.Row(query, callers, (r.Total / r.Elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture),
            Stats.Ms(s.P(0.5)), $"**{Stats.Ms(s.P(0.99))}**", Stats.Ms(s.P(0.999)), Stats.Ms(s.Max), r.Total - r.Count(Outcome.Ok), r.Cpu);
    }

    private Task<LoadResult> Measure(IReadOnlyList<Caller> callers, GetAvailabilityRequest request, int queries, CancellationToken ct)
    {
        var next = -1;
        return Load.RunAsync(callers, TimeSpan.FromMinutes(2), (c, _) => Interlocked.Increment(ref next) < queries
            ? async () =>
            {
                var answer = await c.Booking.GetAvailabilityAsync(request, c.Call with { CancellationToken = ct }).ResponseAsync;
                return answer.Free.Count > 0 ? Outcome.Ok : Outcome.Error;
            }
            : null, world.Hub, cpu, ct);
    }
}
