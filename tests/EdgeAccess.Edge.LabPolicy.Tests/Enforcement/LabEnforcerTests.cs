using System.Diagnostics;
using EdgeAccess.Edge.LabPolicy.Enforcement;
using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Edge.LabPolicy.Tests.Processes;
using EdgeAccess.Protos.V1;
using static EdgeAccess.Edge.LabPolicy.Tests.Enforcement.PolicyRecords;

namespace EdgeAccess.Edge.LabPolicy.Tests.Enforcement;

/// <summary>
/// The policy end to end on REAL processes: programs started as uids 61001/61002 in their own
/// process groups, the real /proc, real signals, a real journal; 1 s check interval, 1–2 s grace.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class LabEnforcerTests : IAsyncLifetime
{
    private readonly EnforcementHarness _lab = new();

    public Task InitializeAsync()
    {
        _lab.Accounts.Add(Account(TestPrograms.UserA, "ada", "person-ada"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task Tick_UnbookedRun_IsWarnedThenTerminatedWithinIntervalPlusGrace()
    {
        var program = _lab.Programs.Sleep("unbooked-ctl");
        _lab.Resources.Add(Resource("res-1", [program], grace: 1, interval: 1));
        using var process = _lab.Programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);
        var watch = Stopwatch.StartNew();

        Assert.True(await _lab.TickUntilAsync(() => !TestPrograms.IsAlive(info.Identity), TimeSpan.FromSeconds(15)));

        // Interval (1 s) + grace (1 s), plus the SIGTERM round trip and a scan.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3.5));
        var events = await _lab.EventsAsync();
        Assert.Equal(["lab.warning", "lab.terminated"], events.Select(e => e.Kind));
        var (_, warning) = events[0];
        var (_, terminated) = events[1];
        Assert.Equal("res-1", warning.ResourceId);
        Assert.Equal("person-ada", warning.PersonId);
        Assert.Equal("ada", warning.UserName);
        Assert.Equal(TestPrograms.UserA, warning.Uid);
        Assert.Equal(process.Id, warning.ProcessGroup);
        Assert.Equal(program, warning.Executable);
        Assert.NotEqual("", warning.Cgroup);
        Assert.Contains("no booking", warning.Message, StringComparison.Ordinal);
        Assert.Equal(warning.Deadline, terminated.Deadline);
        Assert.Equal([process.Id], terminated.TerminatedPids);
        Assert.False(terminated.Killed);
    }

    [Fact]
    public async Task Tick_ActiveBooking_KeepsTheProgramRunning()
    {
        var program = _lab.Programs.Sleep("booked-ctl");
        _lab.Resources.Add(Resource("res-1", [program], grace: 1, lead: 1, interval: 1));
        _lab.Bookings.Add(Booking("b-1", "res-1", "person-ada", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1)));
        using var process = _lab.Programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);

        await _lab.TickForAsync(TimeSpan.FromSeconds(3.5)); // interval + grace, three times over

        Assert.True(TestPrograms.IsAlive(info.Identity));
        Assert.Empty(await _lab.EventsAsync());
        var result = await _lab.TickAsync();
        Assert.Equal(process.Id, Assert.Single(result.Decision.Runs).Key.ProcessGroup);
    }

    [Fact]
    public async Task Tick_BookingEnds_UserIsWarnedThenTerminatedAfterTheGrace()
    {
        var program = _lab.Programs.Sleep("ending-ctl");
        var end = DateTimeOffset.UtcNow.AddSeconds(3);
        _lab.Resources.Add(Resource("res-1", [program], grace: 2, lead: 1, interval: 1));
        _lab.Bookings.Add(Booking("b-1", "res-1", "person-ada", DateTimeOffset.UtcNow.AddMinutes(-5), end));
        var told = Path.Combine(_lab.DataDirectory, "told.txt");
        _lab.Warner.Command = ["/bin/sh", "-c", "cat > \"$0\"; echo \"$1 $2\" >> \"$0\"", told, "{user}", "{deadline}"];
        using var process = _lab.Programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);

        Assert.True(await _lab.TickUntilAsync(() => _lab.Outcomes.Any(o => o.Action.Kind == LabActionKind.Warn), TimeSpan.FromSeconds(10)));
        var warnedAt = DateTimeOffset.UtcNow;
        Assert.InRange(warnedAt, end.AddSeconds(-2.2), end.AddSeconds(0.5)); // at end - lead, within one interval
        Assert.True(TestPrograms.IsAlive(info.Identity));

        Assert.True(await _lab.TickUntilAsync(() => !TestPrograms.IsAlive(info.Identity), TimeSpan.FromSeconds(15)));
        Assert.InRange(DateTimeOffset.UtcNow, end.AddSeconds(2), end.AddSeconds(5)); // end + grace, plus one interval and the kill

        var events = await _lab.EventsAsync();
        Assert.Equal(["lab.warning", "lab.terminated"], events.Select(e => e.Kind));
        Assert.Equal("b-1", events[0].Event.BookingId);
        Assert.Equal(end.AddSeconds(2).ToUnixTimeSeconds(), events[0].Event.Deadline.ToDateTimeOffset().ToUnixTimeSeconds());
        Assert.Contains("your booking of Resource res-1 ends at", events[0].Event.Message, StringComparison.Ordinal);
        Assert.Equal("b-1", events[1].Event.BookingId);
        var text = await File.ReadAllTextAsync(told);
        Assert.Contains("ends at", text, StringComparison.Ordinal);
        Assert.Contains("ada " + end.AddSeconds(2).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_ForkingProgram_LosesItsChildrenAndItsSetsidChild()
    {
        var child = _lab.Programs.Sleep("worker");
        var script = _lab.Programs.Script("forking-ctl.sh", $"{child} 600 &\n{child} 601 &\n/usr/bin/setsid {child} 602 &\nwait");
        _lab.Resources.Add(Resource("res-1", [script], grace: 1, interval: 1));
        using var process = _lab.Programs.Start(TestPrograms.UserA, "/bin/sh", script);
        await TestPrograms.WaitForExecAsync(process.Id, script, children: 3);
        var tree = TestPrograms.Descendants(ProcessTable.Read(), process.Id);
        Assert.Equal(3, tree.Count);
        Assert.Contains(tree, p => p.ProcessGroup != process.Id); // the setsid child

        Assert.True(await _lab.TickUntilAsync(() => _lab.Programs.Running().Count == 0, TimeSpan.FromSeconds(15)));

        var terminated = (await _lab.EventsAsync()).Single(e => e.Kind == "lab.terminated").Event;
        Assert.Equal(4, terminated.TerminatedPids.Count);
        Assert.All(tree, p => Assert.Contains(p.Pid, terminated.TerminatedPids));
    }

    [Fact]
    public async Task Tick_ExemptAccounts_AreNeverTouchedNorJournaled()
    {
        var program = _lab.Programs.Sleep("shared-ctl");
        _lab.Resources.Add(Resource("res-1", [program], grace: 1, interval: 1, exempt: ["labadmin"]));
        _lab.LocalNames[TestPrograms.UserB] = "labadmin"; // exempt by its passwd name
        using var root = _lab.Programs.Start(0, program, "600");
        using var admin = _lab.Programs.Start(TestPrograms.UserB, program, "601");
        using var user = _lab.Programs.Start(TestPrograms.UserA, program, "602");
        var rootInfo = await TestPrograms.WaitForExecAsync(root.Id, program);
        var adminInfo = await TestPrograms.WaitForExecAsync(admin.Id, program);
        var userInfo = await TestPrograms.WaitForExecAsync(user.Id, program);

        Assert.True(await _lab.TickUntilAsync(() => !TestPrograms.IsAlive(userInfo.Identity), TimeSpan.FromSeconds(15)));
        await _lab.TickForAsync(TimeSpan.FromSeconds(2));

        Assert.True(TestPrograms.IsAlive(rootInfo.Identity));
        Assert.True(TestPrograms.IsAlive(adminInfo.Identity));
        var events = await _lab.EventsAsync();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(TestPrograms.UserA, e.Event.Uid));
    }

    [Fact]
    public async Task Tick_MonitorMode_OnlyJournalsOneViolation()
    {
        var program = _lab.Programs.Sleep("monitored-ctl");
        _lab.Resources.Add(Resource("res-1", [program], mode: LabPolicyMode.Monitor, grace: 1, interval: 1));
        using var process = _lab.Programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);

        await _lab.TickForAsync(TimeSpan.FromSeconds(3.5));

        Assert.True(TestPrograms.IsAlive(info.Identity));
        var violation = Assert.Single(await _lab.EventsAsync());
        Assert.Equal("lab.violation", violation.Kind);
        Assert.Equal(process.Id, violation.Event.Pid);
        Assert.Empty(violation.Event.TerminatedPids);
    }

    [Fact]
    public async Task Tick_AfterARestart_TheGraceIsNotGivenAgain()
    {
        var program = _lab.Programs.Sleep("restart-ctl");
        _lab.Resources.Add(Resource("res-1", [program], grace: 2, interval: 1));
        using var process = _lab.Programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);
        await _lab.TickAsync(); // warned; the episode starts now
        Assert.True(File.Exists(_lab.StatePath));

        await _lab.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // the node is down past the deadline
        await _lab.TickAsync();

        Assert.True(await TestPrograms.EventuallyAsync(() => !TestPrograms.IsAlive(info.Identity), TimeSpan.FromSeconds(5)));
        Assert.Equal(["lab.warning", "lab.terminated"], (await _lab.EventsAsync()).Select(e => e.Kind)); // no second warning
    }

    [Fact]
    public async Task Tick_ProgramIgnoringSigterm_IsKilledAndReported()
    {
        var program = _lab.Programs.Sleep("deaf-ctl");
        var script = _lab.Programs.Script("deaf.sh", $"trap '' TERM\nexec {program} 600");
        _lab.Resources.Add(Resource("res-1", [program], grace: 1, interval: 1));
        _lab.TerminateWait = TimeSpan.FromMilliseconds(300);
        using var process = _lab.Programs.Start(TestPrograms.UserA, "/bin/sh", script);
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);

        Assert.True(await _lab.TickUntilAsync(() => !TestPrograms.IsAlive(info.Identity), TimeSpan.FromSeconds(15)));

        var terminated = (await _lab.EventsAsync()).Single(e => e.Kind == "lab.terminated").Event;
        Assert.True(terminated.Killed);
        Assert.Contains(_lab.Outcomes, o => o.Termination is { Killed: true, Succeeded: true });
    }
}
