using EdgeAccess.Edge.LabPolicy.Enforcement;
using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;
using static EdgeAccess.Edge.LabPolicy.Tests.Enforcement.PolicyRecords;

namespace EdgeAccess.Edge.LabPolicy.Tests.Enforcement;

/// <summary>The pure engine on a fake clock: every time is passed in, nothing sleeps.</summary>
public sealed class LabPolicyEngineTests
{
    private const string Ctl = "/opt/lab/bin/ctl";
    private static readonly DateTimeOffset T0 = new(2025, 6, 11, 8, 0, 0, TimeSpan.Zero);

    private readonly List<ResourceRecord> _resources = [Resource("res-1", ["/opt/lab/bin/*"])];
    private readonly List<BookingRecord> _bookings = [];
    private readonly List<NodeAccountRecord> _accounts = [Account(1001, "ada", "person-ada"), Account(1002, "ben", "person-ben")];
    private readonly HashSet<string> _maintenance = [];

    [Fact]
    public void Evaluate_UnbookedRun_WarnsOnceThenTerminatesAfterTheGrace()
    {
        var engine = new LabPolicyEngine();
        var table = Table(Process(500, 1001, Ctl), Process(501, 1001, "/usr/bin/helper", group: 500, parent: 500));

        var first = Evaluate(engine, T0, table);
        var warning = Assert.Single(first.Actions);
        Assert.Equal(LabActionKind.Warn, warning.Kind);
        Assert.Equal(T0.AddSeconds(60), warning.Deadline);
        Assert.Equal("person-ada", warning.Run.PersonId);
        Assert.Equal("ada", warning.Run.UserName);
        Assert.Contains("you have no booking", warning.Message, StringComparison.Ordinal);

        Assert.Empty(Evaluate(engine, T0.AddSeconds(30), table).Actions);

        var terminate = Assert.Single(Evaluate(engine, T0.AddSeconds(60), table).Actions);
        Assert.Equal(LabActionKind.Terminate, terminate.Kind);
        Assert.Equal(500, terminate.Target!.ProcessGroup);
        Assert.Equal(1001, terminate.Target.Uid);
        Assert.Equal([500, 501], terminate.Target.Known.Select(k => k.Pid).Order());
        Assert.Equal("lab.warning", LabAction.WarningKind);
        var payload = terminate.ToEvent(new TerminationResult([500, 501], true, []));
        Assert.Equal([500, 501], payload.TerminatedPids);
        Assert.True(payload.Killed);
        Assert.Equal("res-1", payload.ResourceId);
        Assert.Equal(500, payload.ProcessGroup);
    }

    [Fact]
    public void Evaluate_ActiveBooking_AllowsThenWarnsAtLeadThenTerminatesAtEndPlusGrace()
    {
        var engine = new LabPolicyEngine();
        var end = T0.AddMinutes(30);
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddMinutes(-10), end));
        var table = Table(Process(500, 1001, Ctl));

        Assert.Empty(Evaluate(engine, T0, table).Actions);
        Assert.Empty(Evaluate(engine, end.AddSeconds(-301), table).Actions);

        var warning = Assert.Single(Evaluate(engine, end.AddSeconds(-300), table).Actions);
        Assert.Equal(LabActionKind.Warn, warning.Kind);
        Assert.Equal(end.AddSeconds(60), warning.Deadline);
        Assert.Equal("b-1", warning.BookingId);
        Assert.Contains("ends at 08:30:00", warning.Message, StringComparison.Ordinal);
        Assert.Contains("stopped at 08:31:00", warning.Message, StringComparison.Ordinal);

        Assert.Empty(Evaluate(engine, end.AddSeconds(30), table).Actions); // warned once, grace runs
        var terminate = Assert.Single(Evaluate(engine, end.AddSeconds(60), table).Actions);
        Assert.Equal(LabActionKind.Terminate, terminate.Kind);
        Assert.Equal("b-1", terminate.BookingId);
    }

    [Fact]
    public void Evaluate_BackToBackBookings_AreOneWindow()
    {
        var engine = new LabPolicyEngine();
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0, T0.AddHours(1)));
        _bookings.Add(Booking("b-2", "res-1", "person-ada", T0.AddHours(1).AddSeconds(30), T0.AddHours(2))); // gap below the grace
        var table = Table(Process(500, 1001, Ctl));

        Assert.Empty(Evaluate(engine, T0.AddMinutes(56), table).Actions);
        Assert.Empty(Evaluate(engine, T0.AddHours(1).AddSeconds(15), table).Actions);
        var warning = Assert.Single(Evaluate(engine, T0.AddHours(2).AddMinutes(-5), table).Actions);
        Assert.Equal("b-2", warning.BookingId);
        Assert.Equal(T0.AddHours(2).AddSeconds(60), warning.Deadline);
    }

    [Fact]
    public void Evaluate_PendingBookingOrAnotherPersonsBooking_DoesNotAllow()
    {
        var engine = new LabPolicyEngine();
        _bookings.Add(Booking("b-pending", "res-1", "person-ada", T0.AddHours(-1), T0.AddHours(1), pending: true));
        _bookings.Add(Booking("b-ben", "res-1", "person-ben", T0.AddHours(-1), T0.AddHours(1)));

        var action = Assert.Single(Evaluate(engine, T0, Table(Process(500, 1001, Ctl))).Actions);

        Assert.Equal(LabActionKind.Warn, action.Kind);
        Assert.Equal("", action.BookingId);
    }

    [Fact]
    public void Evaluate_UnlinkedAccount_IsUnbookedAndNamedByPasswd()
    {
        var engine = new LabPolicyEngine();
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddHours(-1), T0.AddHours(1)));

        var decision = engine.Evaluate(Input(T0, Table(Process(500, 2000, Ctl))) with { LocalUserName = uid => uid == 2000 ? "guest" : null });

        var action = Assert.Single(decision.Actions);
        Assert.Equal(LabActionKind.Warn, action.Kind);
        Assert.Equal("", action.Run.PersonId);
        Assert.Equal("guest", action.Run.UserName);
    }

    [Fact]
    public void Evaluate_ResourceInMaintenance_NobodyIsBooked()
    {
        var engine = new LabPolicyEngine();
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddHours(-1), T0.AddHours(1)));
        _maintenance.Add("res-1");

        var action = Assert.Single(Evaluate(engine, T0, Table(Process(500, 1001, Ctl))).Actions);

        Assert.Equal(LabActionKind.Warn, action.Kind);
        Assert.True(action.Maintenance);
        Assert.True(action.ToEvent().Maintenance);
        Assert.Contains("maintenance", action.Message, StringComparison.Ordinal);
        Assert.Equal(LabActionKind.Terminate, Assert.Single(Evaluate(engine, T0.AddSeconds(60), Table(Process(500, 1001, Ctl))).Actions).Kind);
    }

    [Fact]
    public void Evaluate_RootAndExemptAccounts_AreNeverRunsNorActions()
    {
        _resources[0] = Resource("res-1", ["/opt/lab/bin/*"], exempt: ["ben", "svc-lab"]);
        var engine = new LabPolicyEngine();
        var table = Table(
            Process(400, 0, Ctl),       // root
            Process(500, 1002, Ctl),    // ben: exempt through the link's name
            Process(600, 3000, Ctl),    // svc-lab: exempt through passwd
            Process(700, 1001, Ctl));   // ada: not exempt

        foreach (var at in new[] { T0, T0.AddMinutes(5) })
        {
            var decision = engine.Evaluate(Input(at, table) with { LocalUserName = uid => uid == 3000 ? "svc-lab" : null });
            var run = Assert.Single(decision.Runs);
            Assert.Equal(1001, run.Key.Uid);
            Assert.All(decision.Actions, a => Assert.Equal(1001, a.Run.Key.Uid));
        }
    }

    [Fact]
    public void Evaluate_MonitorMode_JournalsOneViolationAndNeverTerminates()
    {
        _resources[0] = Resource("res-1", ["/opt/lab/bin/*"], mode: LabPolicyMode.Monitor);
        var engine = new LabPolicyEngine();
        var table = Table(Process(500, 1001, Ctl));

        var violation = Assert.Single(Evaluate(engine, T0, table).Actions);
        Assert.Equal(LabActionKind.Violation, violation.Kind);
        Assert.Equal(T0.AddSeconds(60), violation.Deadline);
        Assert.Contains("monitor mode", violation.Message, StringComparison.Ordinal);
        for (var s = 1; s <= 600; s += 5)
        {
            Assert.Empty(Evaluate(engine, T0.AddSeconds(s), table).Actions);
        }
    }

    [Fact]
    public void Evaluate_NewRunWhileInViolation_GetsNoFreshGrace()
    {
        var engine = new LabPolicyEngine();
        Evaluate(engine, T0, Table(Process(500, 1001, Ctl, start: 10)));
        var terminate = Assert.Single(Evaluate(engine, T0.AddSeconds(60), Table(Process(500, 1001, Ctl, start: 10))).Actions);
        Assert.False(engine.Complete(terminate, new TerminationResult([500], false, [])));

        // The user starts the program again right away: it is stopped at once, not after another minute.
        Assert.Empty(Evaluate(engine, T0.AddSeconds(61), Table()).Actions);
        var again = Assert.Single(Evaluate(engine, T0.AddSeconds(62), Table(Process(900, 1001, Ctl, start: 20))).Actions);
        Assert.Equal(LabActionKind.Terminate, again.Kind);
        Assert.Equal(T0.AddSeconds(60), again.Deadline);
    }

    [Fact]
    public void Evaluate_AfterTheEpisodeMemory_AFreshGraceStarts()
    {
        var engine = new LabPolicyEngine(episodeMemory: TimeSpan.FromMinutes(10));
        Evaluate(engine, T0, Table(Process(500, 1001, Ctl)));
        Evaluate(engine, T0.AddSeconds(1), Table());
        Evaluate(engine, T0.AddMinutes(11), Table());

        var warning = Assert.Single(Evaluate(engine, T0.AddMinutes(12), Table(Process(900, 1001, Ctl, start: 20))).Actions);

        Assert.Equal(LabActionKind.Warn, warning.Kind);
        Assert.Equal(T0.AddMinutes(12).AddSeconds(60), warning.Deadline);
    }

    [Fact]
    public void Evaluate_UserBooksAfterAViolation_TheEpisodeEnds()
    {
        _resources[0] = Resource("res-1", ["/opt/lab/bin/*"], lead: 60);
        var engine = new LabPolicyEngine(episodeMemory: TimeSpan.FromMinutes(10));
        Evaluate(engine, T0, Table(Process(500, 1001, Ctl, start: 10)));
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddSeconds(30), T0.AddMinutes(3)));
        Assert.Empty(Evaluate(engine, T0.AddSeconds(30), Table(Process(500, 1001, Ctl, start: 10))).Actions);
        Assert.Empty(engine.ExportState().Episodes);

        // Within the episode memory, but after a booking: a new unbooked run gets a full grace again.
        Evaluate(engine, T0.AddMinutes(4).AddSeconds(1), Table());
        var warning = Assert.Single(Evaluate(engine, T0.AddMinutes(5), Table(Process(900, 1001, Ctl, start: 50, startedAt: T0.AddMinutes(5)))).Actions);
        Assert.Equal(LabActionKind.Warn, warning.Kind);
        Assert.Equal(T0.AddMinutes(6), warning.Deadline);
    }

    [Fact]
    public void ImportState_AfterARestart_KeepsTheEpisodeStart()
    {
        var before = new LabPolicyEngine();
        Evaluate(before, T0, Table(Process(500, 1001, Ctl)));
        var saved = before.ExportState();
        var path = Path.Combine(Path.GetTempPath(), $"lab-state-{Guid.NewGuid():N}.json");
        try
        {
            LabPolicyStateFile.Save(path, saved);
            var after = new LabPolicyEngine();
            after.ImportState(LabPolicyStateFile.Load(path)!);

            var action = Assert.Single(Evaluate(after, T0.AddSeconds(60), Table(Process(500, 1001, Ctl))).Actions);

            Assert.Equal(LabActionKind.Terminate, action.Kind); // not a fresh warning with a new minute
            Assert.Equal(T0.AddSeconds(60), action.Deadline);
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StateVersion_ChangesWhenAnEpisodeStartsOrEnds_NotOnEveryTick()
    {
        var engine = new LabPolicyEngine(episodeMemory: TimeSpan.FromMinutes(2));
        var table = Table(Process(500, 1001, Ctl));
        Evaluate(engine, T0, table);
        var started = engine.StateVersion;
        Evaluate(engine, T0.AddSeconds(5), table);
        Evaluate(engine, T0.AddSeconds(10), table);
        Assert.Equal(started, engine.StateVersion);

        Evaluate(engine, T0.AddMinutes(5), Table());
        Assert.NotEqual(started, engine.StateVersion);
        Assert.Empty(engine.ExportState().Episodes);
    }

    [Fact]
    public void Evaluate_RunOutlivedItsBookingWhileTheNodeWasDown_IsTerminatedAtOnce()
    {
        var engine = new LabPolicyEngine(); // a fresh engine: it never saw the run nor warned
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddHours(-2), T0.AddHours(-1)));

        var action = Assert.Single(Evaluate(engine, T0, Table(Process(500, 1001, Ctl, startedAt: T0.AddHours(-1.5)))).Actions);

        Assert.Equal(LabActionKind.Terminate, action.Kind);
        Assert.Equal(T0.AddHours(-1).AddSeconds(60), action.Deadline);
        Assert.Equal("b-1", action.BookingId);
    }

    [Fact]
    public void Evaluate_RunStartedAfterTheBookingsGrace_IsUnbooked()
    {
        var engine = new LabPolicyEngine();
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddHours(-2), T0.AddHours(-1)));

        var action = Assert.Single(Evaluate(engine, T0, Table(Process(500, 1001, Ctl, startedAt: T0.AddMinutes(-1)))).Actions);

        Assert.Equal(LabActionKind.Warn, action.Kind);
        Assert.Equal(T0.AddSeconds(60), action.Deadline);
    }

    [Fact]
    public void Complete_FailedTermination_IsRetriedAndJournaledOnce()
    {
        var engine = new LabPolicyEngine();
        var table = Table(Process(500, 1001, Ctl));
        Evaluate(engine, T0, table);
        var first = Assert.Single(Evaluate(engine, T0.AddSeconds(60), table).Actions);
        Assert.Empty(Evaluate(engine, T0.AddSeconds(61), table).Actions); // still in flight

        Assert.True(engine.Complete(first, new TerminationResult([500], true, [500])));
        var second = Assert.Single(Evaluate(engine, T0.AddSeconds(62), table).Actions);
        Assert.Equal(LabActionKind.Terminate, second.Kind);
        Assert.False(engine.Complete(second, new TerminationResult([500], true, [500])));
    }

    [Fact]
    public void Evaluate_ProgramOfTwoResources_IsJudgedByTheMostPermissive()
    {
        _resources.Add(Resource("res-2", [Ctl]));
        _bookings.Add(Booking("b-2", "res-2", "person-ada", T0.AddHours(-1), T0.AddHours(1)));
        var engine = new LabPolicyEngine();

        var decision = Evaluate(engine, T0, Table(Process(500, 1001, Ctl)));

        Assert.Empty(decision.Actions);
        Assert.Equal("res-2", Assert.Single(decision.Runs).Key.ResourceId);
    }

    [Fact]
    public void Evaluate_OtherNodesAndOffResources_AreNotWatched()
    {
        _resources[0] = Resource("res-1", ["/opt/lab/bin/*"], nodeId: "other-node");
        _resources.Add(Resource("res-2", ["/opt/lab/bin/*"], mode: LabPolicyMode.Off));
        var engine = new LabPolicyEngine();

        var decision = Evaluate(engine, T0, Table(Process(500, 1001, Ctl)));

        Assert.Empty(decision.Actions);
        Assert.Empty(decision.Runs);
        Assert.Equal(0, decision.WatchedResources);
        Assert.Equal(TimeSpan.FromSeconds(5), decision.Interval);
    }

    [Fact]
    public void Evaluate_Interval_IsTheSmallestCheckIntervalAtMostFive()
    {
        _resources[0] = Resource("res-1", ["/opt/lab/bin/*"], interval: 9);
        Assert.Equal(TimeSpan.FromSeconds(5), Evaluate(new LabPolicyEngine(), T0, Table()).Interval);

        _resources.Add(Resource("res-2", ["/x"], interval: 2));
        Assert.Equal(TimeSpan.FromSeconds(2), Evaluate(new LabPolicyEngine(), T0, Table()).Interval);
    }

    [Fact]
    public void Evaluate_MessagesUseTheSiteTimeZoneAndStripControlCharacters()
    {
        _resources[0] = Resource("res-1", ["/opt/lab/bin/*"]);
        _resources[0].Name = "Microscope\u001b[2J";
        _bookings.Add(Booking("b-1", "res-1", "person-ada", T0.AddHours(-1), T0.AddMinutes(2)));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var decision = new LabPolicyEngine().Evaluate(Input(T0, Table(Process(500, 1001, Ctl))) with { TimeZone = berlin });

        var warning = Assert.Single(decision.Actions);
        Assert.Contains("ends at 10:02:00", warning.Message, StringComparison.Ordinal); // CEST
        Assert.DoesNotContain('\u001b', warning.Message);
    }

    [Fact]
    public void Evaluate_InvalidControlProgram_IsReportedAndMatchesNothing()
    {
        _resources[0] = Resource("res-1", ["bin/ctl"]);

        var decision = Evaluate(new LabPolicyEngine(), T0, Table(Process(500, 1001, "bin/ctl")));

        Assert.Empty(decision.Runs);
        Assert.Contains("res-1", Assert.Single(decision.InvalidPatterns), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_GroupLeaderRestarted_IsANewRun()
    {
        var engine = new LabPolicyEngine();
        var first = Assert.Single(Evaluate(engine, T0, Table(Process(500, 1001, Ctl, start: 10))).Actions).Run.Key;
        var second = Assert.Single(Evaluate(engine, T0.AddSeconds(1), Table(Process(500, 1001, Ctl, start: 99))).Actions).Run.Key;

        Assert.NotEqual(first, second);
        Assert.Equal(first with { LeaderStartTicks = 99 }, second);
    }

    private static ProcessTable Table(params ProcessInfo[] processes) => new(processes);

    private LabPolicyInput Input(DateTimeOffset now, ProcessTable table) =>
        new(now, NodeId, _resources, _bookings, _accounts, table) { InMaintenance = _maintenance.Contains };

    private LabDecision Evaluate(LabPolicyEngine engine, DateTimeOffset now, ProcessTable table) => engine.Evaluate(Input(now, table));
}
