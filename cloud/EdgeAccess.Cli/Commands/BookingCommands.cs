using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>bookings list|create|cancel|approve|reject</c> (<c>booking</c> works as well). Creating is in
/// <c>BookingCommands.Create.cs</c>. Times typed without an offset and times shown are the
/// resource's site's local time.
/// </summary>
internal static partial class BookingCommands
{
    public static Command Create(CliContext cli)
    {
        var bookings = new Command("bookings", "Bookings of resources: list, create, cancel, approve, reject")
        {
            List(cli),
            CreateBooking(cli),
            Decide(cli, "cancel", "Cancel a booking (its door access ends at once)"),
            Decide(cli, "approve", "Approve a pending booking (Operators and Admins)"),
            Decide(cli, "reject", "Reject a pending booking (Operators and Admins)"),
        };
        bookings.Aliases.Add("booking");
        return bookings;
    }

    private static Command List(CliContext cli)
    {
        var resourceOption = ResourceCommands.ResourceOption("Only the bookings of this resource", required: false);
        var mine = new Option<bool>("--mine") { Description = "Only the bookings of the signed-in user's own person" };
        var from = new Option<string>("--from") { Description = "Only bookings ending after this time (ISO 8601; without an offset: the --resource's local time, else UTC)", HelpName = "TIME" };
        var to = new Option<string>("--to") { Description = "Only bookings starting before this time (same form as --from)", HelpName = "TIME" };
        var list = new Command("list", "List bookings, in start order, with times in each resource's local time") { resourceOption, mine, from, to };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var request = new ListBookingsRequest { PageSize = Pages.Size };
            var zone = "UTC";
            if (r.GetValue(resourceOption) is { } input)
            {
                var resource = await hub.ResourceAsync(input, ct);
                request.ResourceId = resource.Id;
                zone = resource.TimeZone;
            }

            if (r.GetValue(mine))
            {
                var me = await hub.CallAsync(o => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), o), ct);
                request.PersonId = me.PersonId.Length > 0
                    ? me.PersonId
                    : throw new CliException("FAILED_PRECONDITION", $"user {me.Username} is not linked to a person, so has no bookings of its own");
            }

            request.From = TimeArgument.Parse(r.GetValue(from), zone, "--from");
            request.To = TimeArgument.Parse(r.GetValue(to), zone, "--to");
            var all = await Pages.AllAsync(t =>
            {
                request.PageToken = t;
                return hub.CallAsync(o => hub.Booking.ListBookingsAsync(request, o), ct);
            });
            if (r.GetValue(cli.Json))
            {
                return cli.Emit(r, all, () => { });
            }

            var resources = all.Bookings.Count > 0 ? await AllResourcesAsync(hub, ct) : [];
            var people = all.Bookings.Count > 0 ? await PeopleNamesAsync(hub, ct) : [];
            var table = new TextTable("ID", "RESOURCE", "PERSON", "WINDOW", "ZONE", "STATUS", "NOTE");
            foreach (var booking in all.Bookings.OrderBy(b => b.StartTime.ToDateTimeOffset()))
            {
                var resource = resources.GetValueOrDefault(booking.ResourceId);
                var bookingZone = BookingText.Zone(resource?.TimeZone ?? "");
                table.Add(booking.Id, resource?.Name ?? booking.ResourceId, people.GetValueOrDefault(booking.PersonId, booking.PersonId),
                    BookingText.Window(booking.StartTime, booking.EndTime, bookingZone), bookingZone.Id,
                    BookingText.Status(booking.Status) + (booking.RulesOverride ? " (override)" : ""), Text.OrDash(booking.Note));
            }

            table.WriteTo(cli.Out, "No bookings.");
            return 0;
        });
        return list;
    }

    // cancel, approve and reject: read the booking for its etag, then decide.
    private static Command Decide(CliContext cli, string name, string description)
    {
        var id = BookingArgument();
        var reason = new Option<string>("--reason") { Description = "Why (recorded with the booking and in the audit trail)", HelpName = "TEXT" };
        var command = new Command(name, description) { id, reason };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var bookingId = BookingId(r.GetRequiredValue(id));
            var current = await hub.CallAsync(o => hub.Booking.GetBookingAsync(new GetBookingRequest { Id = bookingId }, o), ct);
            var why = r.GetValue(reason) ?? "";
            var booking = name switch
            {
                "cancel" => await hub.CallAsync(o => hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = bookingId, Etag = current.Etag, Reason = why }, o), ct),
                "approve" => await hub.CallAsync(o => hub.Booking.ApproveBookingAsync(new DecideBookingRequest { Id = bookingId, Etag = current.Etag, Reason = why }, o), ct),
                _ => await hub.CallAsync(o => hub.Booking.RejectBookingAsync(new DecideBookingRequest { Id = bookingId, Etag = current.Etag, Reason = why }, o), ct),
            };
            var resource = await hub.CallAsync(o => hub.Booking.GetResourceAsync(new GetResourceRequest { Id = booking.ResourceId }, o), ct);
            return cli.Emit(r, booking, () => cli.Out.WriteLine(
                $"Booking {booking.Id} of {resource.Name}, {BookingText.Window(booking.StartTime, booking.EndTime, BookingText.Zone(resource.TimeZone))} ({resource.TimeZone}), is now {BookingText.Status(booking.Status)}."));
        });
        return command;
    }

    private static Argument<string> BookingArgument() => new("BOOKING_ID") { Description = "The booking's id (see: bookings list)" };

    private static string BookingId(string input) => Guid.TryParse(input.Trim(), out var id)
        ? id.ToString()
        : throw CliException.Usage("BOOKING_ID must be a booking id (a UUID, see: bookings list)");

    private static async Task<Dictionary<string, BookableResource>> AllResourcesAsync(HubConnection hub, CancellationToken ct) =>
        (await Pages.AllAsync(t => hub.CallAsync(o => hub.Booking.ListResourcesAsync(new ListResourcesRequest { PageSize = Pages.Size, PageToken = t }, o), ct)))
        .Resources.ToDictionary(x => x.Id);

    // A member may not read the people list: the PERSON column then shows ids.
    private static async Task<Dictionary<string, string>> PeopleNamesAsync(HubConnection hub, CancellationToken ct)
    {
        try
        {
            return (await Pages.AllAsync(t => hub.CallAsync(o => hub.People.ListPeopleAsync(new ListPeopleRequest { PageSize = Pages.Size, PageToken = t }, o), ct)))
                .People.ToDictionary(p => p.Id, p => p.DisplayName);
        }
        catch (EdgeAccess.Grpc.RpcException ex) when (ex.StatusCode == EdgeAccess.Grpc.StatusCode.PermissionDenied)
        {
            return [];
        }
    }
}
