using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>bookings create</c>: one booking; a taken slot prints the hub's nearest free alternatives.</summary>
internal static partial class BookingCommands
{
    /// <summary>The trailer the hub lists a taken slot's alternatives in (booking.proto).</summary>
    private const string AlternativesTrailer = "booking-alternatives";

    private static Command CreateBooking(CliContext cli)
    {
        var resourceOption = ResourceCommands.ResourceOption("The resource to book", required: true);
        var start = new Option<string>("--start")
        {
            Description = "The start: ISO 8601, with an offset that instant, without one the resource's local time (e.g. 2026-03-30T10:00); or now",
            HelpName = "TIME",
            Required = true,
        };
        var end = new Option<string>("--end") { Description = "The end (same form as --start)", HelpName = "TIME" };
        var minutes = new Option<int>("--minutes") { Description = "The length in minutes, instead of --end", HelpName = "N" };
        var person = new Option<string>("--person") { Description = "Book for this person (Operators and Admins; default: your own person)", HelpName = "NAME|ID" };
        var note = new Option<string>("--note") { Description = "A note on the booking", HelpName = "TEXT" };
        var rulesOverride = new Option<bool>("--override")
        {
            Description = "Book past the resource's rules (grid, duration, notice, quota; never past another booking): Operators and Admins, audited",
        };
        var command = new Command("create", "Book a resource; on a taken slot, show the nearest free ones")
        {
            resourceOption, start, end, minutes, person, note, rulesOverride,
        };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var hasEnd = r.GetValue(end) is not null;
            var length = r.GetValue(minutes);
            if (hasEnd == (r.GetResult(minutes) is not null))
            {
                throw CliException.Usage("give the end with exactly one of --end TIME or --minutes N");
            }

            if (!hasEnd && length is < 1 or > 1440 * 7)
            {
                throw CliException.Usage("--minutes must be between 1 and 10080");
            }

            var resource = await hub.ResourceAsync(r.GetRequiredValue(resourceOption), ct);
            var startText = r.GetRequiredValue(start).Trim();
            var startTime = string.Equals(startText, "now", StringComparison.OrdinalIgnoreCase)
                ? Timestamp.FromDateTimeOffset(WholeSecond(TimeProvider.System.GetUtcNow()))
                : TimeArgument.Parse(startText, resource.TimeZone, "--start")!;
            var endTime = hasEnd
                ? TimeArgument.Parse(r.GetValue(end), resource.TimeZone, "--end")!
                : Timestamp.FromDateTimeOffset(startTime.ToDateTimeOffset().AddMinutes(length));
            var booking = new Booking
            {
                ResourceId = resource.Id,
                StartTime = startTime,
                EndTime = endTime,
                Note = r.GetValue(note) ?? "",
                PersonId = r.GetValue(person) is { } who ? (await hub.PersonAsync(who, ct)).Id : "",
            };
            var request = new CreateBookingRequest { RequestId = Guid.NewGuid().ToString(), Booking = booking, RulesOverride = r.GetValue(rulesOverride) };
            var zone = BookingText.Zone(resource.TimeZone);
            Booking created;
            try
            {
                created = await hub.CallAsync(o => hub.Booking.CreateBookingAsync(request, o), ct);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition && ex.Trailers.GetValue(AlternativesTrailer) is { } alternatives)
            {
                await cli.Error.WriteLineAsync($"error: FAILED_PRECONDITION: {ex.Status.Detail}");
                WriteAlternatives(cli.Error, alternatives, zone, resource);
                return 1;
            }

            return cli.Emit(r, created, () => TextTable.WriteFields(cli.Out,
                ("booking", created.Id),
                ("resource", $"{resource.Name} ({resource.Id})"),
                ("status", BookingText.Status(created.Status) + (created.RulesOverride ? " (booked past the rules)" : "")),
                ("window", $"{BookingText.Window(created.StartTime, created.EndTime, zone)} ({resource.TimeZone})"),
                ("utc", $"{Text.Time(created.StartTime)} .. {Text.Time(created.EndTime)}"),
                ("note", Text.OrDash(created.Note))));
        });
        return command;
    }

    // "start/end" RFC 3339 pairs, comma-separated (booking.proto), shown in the site's time.
    private static void WriteAlternatives(TextWriter output, string trailer, TimeZoneInfo zone, BookableResource resource)
    {
        var slots = trailer.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('/'))
            .Where(p => p.Length == 2)
            .Select(p => (Start: Parse(p[0]), End: Parse(p[1])))
            .Where(s => s.Start is not null && s.End is not null)
            .ToList();
        if (slots.Count == 0)
        {
            output.WriteLine("No free slot of that length nearby: see edgeaccess availability --resource ID --week");
            return;
        }

        output.WriteLine($"Nearest free alternatives ({resource.TimeZone}):");
        foreach (var (from, to) in slots)
        {
            var window = BookingText.Window(from, to, zone);
            var localStart = TimeZoneInfo.ConvertTime(from!.ToDateTimeOffset(), zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
            var length = (int)(to!.ToDateTimeOffset() - from.ToDateTimeOffset()).TotalMinutes;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {window}   edgeaccess bookings create --resource {resource.Id} --start {localStart} --minutes {length}"));
        }
    }

    private static Timestamp? Parse(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? Timestamp.FromDateTimeOffset(time) : null;

    private static DateTimeOffset WholeSecond(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
