using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cli.Tests;

/// <summary>
/// <c>resources</c>, <c>bookings</c> and <c>availability</c> against the real hub, on resources
/// of the demo campus (Europe/Berlin, so times shown are the site's, not UTC). The resources are
/// made over the admin API (LabTests covers `resources create`).
/// </summary>
public sealed class BookingTests(CliHub hub) : IClassFixture<CliHub>
{
    // A Tuesday far ahead, in CET (UTC+1): 10:00 local is 09:00Z.
    private const string Day = "2030-03-12";

    [Fact]
    public async Task ResourcesList_Site_ShowsTheResourceWithItsDoor()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("resources", "list", "--site", "Demo Campus");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^ID\s+NAME\s+SITE\s+KIND\s+ACTIVE\s+DOORS", result.Out);
        Assert.Single(result.Out.Split('\n'), l => l.StartsWith(resource.Id, StringComparison.Ordinal) && l.Contains(resource.Name, StringComparison.Ordinal)
            && l.Contains("Demo Campus", StringComparison.Ordinal) && l.Contains("LAB_INSTALLATION", StringComparison.Ordinal)
            && l.EndsWith("Lab 1 (spectroscopy)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResourcesShow_ByName_ShowsDoorsZoneAndRules()
    {
        var resource = await NewResourceAsync(r => { r.SlotMinutes = 30; r.EarlyEntryMinutes = 5; r.GraceMinutes = 10; r.ApprovalRequired = true; });
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("resources", "show", resource.Name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^site:\s+Demo Campus \(Europe/Berlin\)$", result.Out);
        Assert.Matches(@"(?m)^doors:\s+Lab 1 \(spectroscopy\) \(", result.Out);
        Assert.Matches(@"(?m)^slot:\s+30 min$", result.Out);
        Assert.Matches(@"(?m)^approval:\s+required$", result.Out);
        Assert.Matches(@"(?m)^door access:\s+5 min before the start to 10 min after the end$", result.Out);
    }

    [Fact]
    public async Task BookingsCreate_FreeSlot_PrintsIdStatusAndTheWindowInTheSiteZone()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("bookings", "create", "--resource", resource.Name, "--person", "Ada Lovelace",
            "--start", $"{Day}T10:00", "--minutes", "60", "--note", "calibration");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^booking:\s+[0-9a-f-]{36}$", result.Out);
        Assert.Matches(@"(?m)^status:\s+CONFIRMED$", result.Out);
        Assert.Matches($@"(?m)^window:\s+{Day} 10:00–11:00 \(Europe/Berlin\)$", result.Out);
        Assert.Matches($@"(?m)^utc:\s+{Day} 09:00:00Z \.\. {Day} 10:00:00Z$", result.Out);
        Assert.Matches(@"(?m)^note:\s+calibration$", result.Out);
    }

    [Fact]
    public async Task BookingsCreate_SlotTaken_FailedPreconditionWithTheNearestFreeAlternatives()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();
        var first = await user.RunAsync("bookings", "create", "--resource", resource.Id, "--person", "Ada", "--start", $"{Day}T10:00", "--end", $"{Day}T11:00");
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await user.RunAsync("bookings", "create", "--resource", resource.Id, "--person", "Ben Carter", "--start", $"{Day}T10:30", "--minutes", "60");

        Assert.Equal(1, second.ExitCode);
        Assert.StartsWith("error: FAILED_PRECONDITION: ", second.Err, StringComparison.Ordinal);
        Assert.Contains("Nearest free alternatives (Europe/Berlin):", second.Err, StringComparison.Ordinal);
        // The nearest free hour after the taken one, in the site's time, with the command that books it.
        Assert.Contains($"{Day} 11:00–12:00   edgeaccess bookings create --resource {resource.Id} --start {Day}T11:00 --minutes 60", second.Err, StringComparison.Ordinal);
        Assert.Empty(second.Out);
    }

    [Fact]
    public async Task BookingsCreate_EndAndMinutes_UsageError()
    {
        var user = await hub.SignedInAdminAsync();

        var both = await user.RunAsync("bookings", "create", "--resource", "x", "--start", $"{Day}T10:00", "--end", $"{Day}T11:00", "--minutes", "60");
        var neither = await user.RunAsync("bookings", "create", "--resource", "x", "--start", $"{Day}T10:00");

        Assert.Equal(2, both.ExitCode);
        Assert.Equal(2, neither.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: give the end with exactly one of --end TIME or --minutes N", both.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookingsCreate_OffTheGrid_InvalidArgumentNamingTheField()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("bookings", "create", "--resource", resource.Id, "--person", "Ada", "--start", $"{Day}T10:07", "--minutes", "60");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: booking.start_time: must lie on the 15-minute grid", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookingsList_Resource_ShowsTheBookingInLocalTimeAndAsJson()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();
        var id = await BookAsync(user, resource, "14:00", "90");

        var text = await user.RunAsync("bookings", "list", "--resource", resource.Name, "--from", $"{Day}T00:00", "--to", $"{Day}T23:59");
        var json = await user.RunAsync("--json", "bookings", "list", "--resource", resource.Id);
        var outside = await user.RunAsync("bookings", "list", "--resource", resource.Id, "--from", $"{Day}T16:00");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Matches(@"^ID\s+RESOURCE\s+PERSON\s+WINDOW\s+ZONE\s+STATUS\s+NOTE", text.Out);
        Assert.Single(text.Out.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains("Ada Lovelace", StringComparison.Ordinal)
            && l.Contains($"{Day} 14:00–15:30", StringComparison.Ordinal) && l.Contains("Europe/Berlin", StringComparison.Ordinal) && l.Contains("CONFIRMED", StringComparison.Ordinal));
        Assert.Equal(id, Assert.Single(JsonParser.Default.Parse<ListBookingsResponse>(json.Out).Bookings).Id);
        Assert.Equal("No bookings.\n", outside.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task BookingsList_MineWithoutALinkedPerson_FailedPrecondition()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("bookings", "list", "--mine");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: FAILED_PRECONDITION: user admin is not linked to a person", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookingsCancel_Confirmed_Cancelled()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();
        var id = await BookAsync(user, resource, "08:00", "30");

        var result = await user.RunAsync("bookings", "cancel", id, "--reason", "instrument broken");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"Booking {id} of {resource.Name}, {Day} 08:00–08:30 (Europe/Berlin), is now CANCELLED.\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task BookingsApproveReject_ApprovalRequired_PendingBecomesConfirmedOrRejected()
    {
        var resource = await NewResourceAsync(r => r.ApprovalRequired = true);
        var user = await hub.SignedInAdminAsync();
        var created = await user.RunAsync("bookings", "create", "--resource", resource.Id, "--person", "Ada", "--start", $"{Day}T08:00", "--minutes", "30");
        Assert.Matches(@"(?m)^status:\s+PENDING$", created.Out);
        var first = BookingIdOf(created);
        var second = await BookAsync(user, resource, "09:00", "30");

        var approved = await user.RunAsync("bookings", "approve", first);
        var rejected = await user.RunAsync("bookings", "reject", second, "--reason", "maintenance");
        var again = await user.RunAsync("bookings", "approve", second);

        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.EndsWith("is now CONFIRMED.\n", approved.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(rejected.ExitCode == 0, rejected.ToString());
        Assert.EndsWith("is now REJECTED.\n", rejected.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("error: FAILED_PRECONDITION: ", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookingsCancel_NotAnId_UsageError()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("bookings", "cancel", "tomorrow");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: BOOKING_ID must be a booking id", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Availability_DayWithABooking_FreeTimeAroundItInLocalTime()
    {
        var resource = await NewResourceAsync();
        var user = await hub.SignedInAdminAsync();
        await BookAsync(user, resource, "10:00", "60");

        var day = await user.RunAsync("availability", "--resource", resource.Name, "--date", Day);
        var week = await user.RunAsync("--json", "availability", "--resource", resource.Id, "--date", Day, "--week");

        Assert.True(day.ExitCode == 0, day.ToString());
        Assert.StartsWith($"{resource.Name}: free time on {Day} (Europe/Berlin), 2 interval(s)", day.Out, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{Day} 00:00\s+{Day} 10:00\s+10 h$", day.Out);
        Assert.Matches($@"(?m)^{Day} 11:00\s+2030-03-13 00:00\s+13 h$", day.Out);
        Assert.True(week.ExitCode == 0, week.ToString());
        var free = JsonParser.Default.Parse<Availability>(week.Out).Free;
        Assert.Equal(2, free.Count);
        Assert.Equal(TimeSpan.FromDays(7) - TimeSpan.FromHours(1), TimeSpan.FromTicks(free.Sum(s => (s.EndTime.ToDateTimeOffset() - s.StartTime.ToDateTimeOffset()).Ticks)));
    }

    private static async Task<string> BookAsync(CliUser user, BookableResource resource, string start, string minutes)
    {
        var result = await user.RunAsync("bookings", "create", "--resource", resource.Id, "--person", "Ada Lovelace", "--start", $"{Day}T{start}", "--minutes", minutes);
        Assert.True(result.ExitCode == 0, result.ToString());
        return BookingIdOf(result);
    }

    private static string BookingIdOf(CliResult created) =>
        System.Text.RegularExpressions.Regex.Match(created.Out, @"(?m)^booking:\s+([0-9a-f-]{36})").Groups[1].Value;

    // A lab installation at the demo campus opening Lab 1, with its rules edited by rules.
    private async Task<BookableResource> NewResourceAsync(Action<ResourceRules>? rules = null)
    {
        var admin = await hub.Host.SignInAsync(UserRole.Admin);
        var sites = new SiteService.Client(hub.Host.Channel);
        var booking = new BookingService.Client(hub.Host.Channel);
        var campus = (await sites.ListSitesAsync(new ListSitesRequest { PageSize = 10, NameContains = "Demo Campus" }, admin).ResponseAsync.WithTimeout()).Sites.Single();
        var lab1 = (await sites.ListDoorsAsync(new ListDoorsRequest { PageSize = 10, SiteId = campus.Id, NameContains = "Lab 1" }, admin).ResponseAsync.WithTimeout()).Doors.Single();
        var resource = await booking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource { SiteId = campus.Id, Name = "microscope-" + Guid.NewGuid().ToString("N")[..8], Kind = ResourceKind.LabInstallation, DoorIds = { lab1.Id } },
        }, admin).ResponseAsync.WithTimeout();
        if (rules is not null)
        {
            var current = await booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, admin).ResponseAsync.WithTimeout();
            rules(current);
            await booking.UpdateResourceRulesAsync(new UpdateResourceRulesRequest { Rules = current }, admin).ResponseAsync.WithTimeout();
        }

        return resource;
    }
}
