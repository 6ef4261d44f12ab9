using System.Runtime.Versioning;
using EdgeAccess.Protos.V1;
using EdgeAccess.SystemTests.Infrastructure;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.SystemTests;

/// <summary>
/// Issue 6 end to end: a real hub, a real edge process acting as a lab server, real control
/// programs run by other OS users. The node reports its accounts, an admin links one to a person,
/// the resource's policy and the person's booking reach the node through the site feed, and the
/// node enforces them on its processes — also with its link to the hub cut.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LabPolicyTests : IAsyncLifetime, IDisposable
{
    private const int BookedUid = 61711;
    private const int UnlinkedUid = 61712;

    private readonly SystemWorld _world = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ea-lab-{Guid.NewGuid():N}");
    private readonly List<LabProgram> _programs = [];

    public Task InitializeAsync() => _world.InitializeAsync();

    public Task DisposeAsync() => _world.DisposeAsync();

    public void Dispose()
    {
        foreach (var program in _programs)
        {
            program.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_booked_program_runs_until_its_booking_ends_then_is_warned_and_stopped_offline_and_an_unbooked_one_is_stopped_at_once()
    {
        var site = await _world.CreateSiteAsync();
        var passwd = Path.Combine(_directory, "passwd");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(passwd,
            $"root:x:0:0:root:/root:/bin/bash\nlabuser:x:{BookedUid}:{BookedUid}:Lab User:/nonexistent:/usr/sbin/nologin\n"
            + $"stranger:x:{UnlinkedUid}:{UnlinkedUid}::/nonexistent:/usr/sbin/nologin\n");
        var grantLog = Path.Combine(_directory, "grants.log");
        var recorder = Path.Combine(_directory, "record.sh");
        await File.WriteAllTextAsync(recorder, $"#!/bin/sh\necho \"$*\" >> {grantLog}\n");
        File.SetUnixFileMode(recorder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var edge = await _world.StartEdgeAsync(site, null,
            $"--EdgeAccess:LabPolicy:Accounts:PasswdPath={passwd}",
            "--EdgeAccess:LabPolicy:TerminateWait=00:00:02",
            $"--EdgeAccess:LabPolicy:Grants:GrantCommand:0={recorder}", "--EdgeAccess:LabPolicy:Grants:GrantCommand:1=grant",
            "--EdgeAccess:LabPolicy:Grants:GrantCommand:2={user}", "--EdgeAccess:LabPolicy:Grants:GrantCommand:3={group}",
            $"--EdgeAccess:LabPolicy:Grants:RevokeCommand:0={recorder}", "--EdgeAccess:LabPolicy:Grants:RevokeCommand:1=revoke",
            "--EdgeAccess:LabPolicy:Grants:RevokeCommand:2={user}", "--EdgeAccess:LabPolicy:Grants:RevokeCommand:3={group}",
            "--EdgeAccess:LabPolicy:Grants:Interval=00:00:01");

        // The node reports its OS accounts; an admin links one of them to a person.
        var accounts = await Eventually.UntilAsync(
            () => _world.Nodes.ListAccountsAsync(new ListNodeAccountsRequest { NodeId = edge.NodeId }, _world.Admin).ResponseAsync.WithTimeout(),
            r => r.Accounts.Any(a => a.Uid == BookedUid),
            r => $"accounts reported: {string.Join(", ", r.Accounts.Select(a => a.Name))}\n{edge.Tail()}");
        Assert.Equal("Lab User", accounts.Accounts.Single(a => a.Uid == BookedUid).FullName);
        var person = await _world.People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = "Lab User" } }, _world.Admin).ResponseAsync.WithTimeout();
        await _world.Nodes.LinkAccountAsync(new LinkNodeAccountRequest { NodeId = edge.NodeId, Uid = BookedUid, PersonId = person.Id }, _world.Admin).ResponseAsync.WithTimeout();

        var program = LabProgram.Install(Path.Combine(_directory, "bin"), "microscope-ctl");
        var resource = await _world.Booking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource
            {
                SiteId = site.Id, Kind = ResourceKind.LabInstallation, Name = "Microscope", NodeId = edge.NodeId, ControlPrograms = { program },
                LabPolicy = new LabPolicy { Mode = LabPolicyMode.Enforce, WarningLeadSeconds = 4, GraceSeconds = 2, CheckIntervalSeconds = 1, OsGroup = "microscope" },
            },
        }, _world.Admin).ResponseAsync.WithTimeout();

        // A booking from now for a minute; the node grants the OS group and lets the program run.
        var now = DateTimeOffset.UtcNow;
        var booking = await _world.Booking.CreateBookingAsync(new CreateBookingRequest
        {
            Booking = new Booking
            {
                ResourceId = resource.Id, PersonId = person.Id,
                StartTime = Timestamp.FromDateTimeOffset(now.AddSeconds(-1)), EndTime = Timestamp.FromDateTimeOffset(now.AddMinutes(1)),
            },
            RulesOverride = true,
        }, _world.Admin).ResponseAsync.WithTimeout();
        await Eventually.UntilAsync(() => File.Exists(grantLog) && File.ReadAllText(grantLog).Contains("grant labuser microscope", StringComparison.Ordinal),
            () => $"no grant ran\n{edge.Tail()}");

        var booked = Start(program, BookedUid);
        var unbooked = Start(program, UnlinkedUid);

        // The unlinked account holds no booking: warned, then stopped within interval + grace.
        await Eventually.UntilAsync(() => unbooked.HasExited, () => $"the unbooked run survived\n{edge.Tail()}", TimeSpan.FromSeconds(15));
        Assert.False(booked.HasExited, "the booked run was stopped");

        // The booking is cut short to end in 8 s; the node is then cut off from the hub and must
        // warn and stop the run on its own, from its replica.
        booking = await _world.Booking.UpdateBookingAsync(new UpdateBookingRequest
        {
            Booking = new Booking
            {
                Id = booking.Id, Etag = booking.Etag, StartTime = booking.StartTime, EndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(8)),
            },
            RulesOverride = true,
        }, _world.Admin).ResponseAsync.WithTimeout();
        var end = booking.EndTime.ToDateTimeOffset();
        // Cut only once the node holds the shortened booking (it acknowledged the site's head).
        await Eventually.UntilAsync(
            () => _world.Nodes.GetNodeAsync(new GetNodeRequest { NodeId = edge.NodeId }, _world.Admin).ResponseAsync.WithTimeout(),
            n => n.Lag == 0 && n.AckedPosition > 0,
            n => $"node at {n.AckedPosition} of {n.SiteHead}\n{edge.Tail()}");
        Assert.True(DateTimeOffset.UtcNow < end.AddSeconds(-1), "the shortened booking reached the node too late to test the warning");
        _world.Link.Cut();

        await Eventually.UntilAsync(() => booked.HasExited, () => $"the run outlived its booking\n{edge.Tail()}", TimeSpan.FromSeconds(20));
        Assert.True(DateTimeOffset.UtcNow >= end.AddSeconds(2), "stopped before end + grace");
        await Eventually.UntilAsync(() => File.ReadAllText(grantLog).Contains("revoke labuser microscope", StringComparison.Ordinal),
            () => $"no revoke ran\n{File.ReadAllText(grantLog)}");

        // Back online: the warnings and terminations are in the hub's journal, by person.
        _world.Link.Restore();
        var events = await Eventually.UntilAsync(
            () => _world.HubJournalAsync(edge.NodeId),
            e => e.Count(x => x.Kind == "lab.terminated") >= 2 && e.Any(x => x.Kind == "lab.warning" && x.PersonId == person.Id),
            e => $"hub journal: {string.Join(", ", e.Select(x => x.Kind))}\n{edge.Tail()}");
        Assert.Contains(events, e => e.Kind == "lab.terminated" && e.PersonId == person.Id);
        Assert.Contains(events, e => e.Kind == "lab.grant");
        Assert.Contains(events, e => e.Kind == "lab.revoke");
    }

    private LabProgram Start(string path, int uid)
    {
        var program = LabProgram.Start(path, uid);
        _programs.Add(program);
        return program;
    }
}
