using System.Diagnostics;
using EdgeAccess.Edge.LabPolicy.Processes;

namespace EdgeAccess.Edge.LabPolicy.Tests.Processes;

[Collection(RealProcesses.Name)]
public sealed class ProcessTerminatorTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    [Fact]
    public async Task TerminateAsync_ForkingScriptWithSetsidChild_EndsTheWholeTree()
    {
        var child = _programs.Sleep("child-sleep");
        var script = _programs.Script("ctl.sh", $"{child} 600 &\n/usr/bin/setsid {child} 601 &\n{child} 602 &\nwait");
        using var process = _programs.Start(TestPrograms.UserA, "/bin/sh", script);
        await TestPrograms.WaitForExecAsync(process.Id, script, children: 3);
        var table = ProcessTable.Read();
        var tree = TestPrograms.Descendants(table, process.Id);
        var escaped = Assert.Single(tree, p => p.Argv is [_, "601"]);
        Assert.NotEqual(process.Id, escaped.ProcessGroup); // the setsid child left the group

        var result = await new ProcessTerminator(TimeProvider.System, TimeSpan.FromSeconds(3))
            .TerminateAsync(Target(table, process.Id)).WithTimeout();

        Assert.True(result.Succeeded);
        Assert.False(result.Killed);
        Assert.Contains(process.Id, result.SignalledPids);
        Assert.Contains(escaped.Pid, result.SignalledPids);
        Assert.Equal(4, result.SignalledPids.Count);
        Assert.Empty(_programs.Running());
    }

    [Fact]
    public async Task TerminateAsync_ProgramIgnoringSigterm_IsKilled()
    {
        var child = _programs.Sleep("stubborn-sleep");
        // Ignored signals stay ignored across exec: the sleeps ignore SIGTERM too.
        var script = _programs.Script("stubborn.sh", $"trap '' TERM\n{child} 600 &\n{child} 601 &\nwait\nwait");
        using var process = _programs.Start(TestPrograms.UserA, "/bin/sh", script);
        await TestPrograms.WaitForExecAsync(process.Id, script, children: 2);
        var table = ProcessTable.Read();
        var watch = Stopwatch.StartNew();

        var result = await new ProcessTerminator(TimeProvider.System, TimeSpan.FromMilliseconds(500))
            .TerminateAsync(Target(table, process.Id)).WithTimeout();

        Assert.True(result.Succeeded);
        Assert.True(result.Killed);
        Assert.Equal(3, result.SignalledPids.Count);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        Assert.Empty(_programs.Running());
    }

    [Fact]
    public async Task TerminateAsync_ReusedPid_SignalsNothing()
    {
        var program = _programs.Sleep("reuse-sleep");
        using var process = _programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);
        // What the engine saw earlier was another process with the same pid: other start time.
        var stale = new TerminationTarget(TestPrograms.UserA, info.Pid, info.StartTicks - 1, [new ProcessIdentity(info.Pid, info.StartTicks - 1)]);

        var result = await new ProcessTerminator(TimeProvider.System, TimeSpan.FromMilliseconds(200)).TerminateAsync(stale).WithTimeout();

        Assert.Empty(result.SignalledPids);
        Assert.True(TestPrograms.IsAlive(info.Identity));
    }

    [Fact]
    public async Task SignalIfSame_StartTimeDiffers_DoesNotSignal()
    {
        var program = _programs.Sleep("pidfd-sleep");
        using var process = _programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);

        // The last line of defence: the pidfd pins the process, then its start time is compared.
        Assert.False(LabPolicy.Processes.Internal.LibC.SignalIfSame(info.Pid, info.StartTicks + 1, 9, ProcessTable.ReadStartTicks));
        await Task.Delay(200);
        Assert.True(TestPrograms.IsAlive(info.Identity));

        Assert.True(LabPolicy.Processes.Internal.LibC.SignalIfSame(info.Pid, info.StartTicks, 9, ProcessTable.ReadStartTicks));
        Assert.True(await TestPrograms.EventuallyAsync(() => !TestPrograms.IsAlive(info.Identity), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task TerminateAsync_RootProcessInTheSameGroup_IsLeftAlone()
    {
        var program = _programs.Sleep("mixed-sleep");
        // A root shell leads the group and starts one root and one user process in it.
        var script = _programs.Script("mixed.sh",
            $"{program} 600 &\n/usr/bin/setpriv --reuid={TestPrograms.UserA} --regid={TestPrograms.UserA} --clear-groups -- {program} 601 &\nwait");
        using var process = _programs.Start(0, "/bin/sh", script);
        await TestPrograms.WaitForExecAsync(process.Id, script, children: 2);
        await TestPrograms.EventuallyAsync(() => ProcessTable.Read().Processes.Any(p => p.Argv is [_, "601"] && p.Executable == program), TimeSpan.FromSeconds(5));
        var table = ProcessTable.Read();
        var user = Assert.Single(table.Processes, p => p.Argv is [_, "601"] && p.Uid == TestPrograms.UserA);
        var root = Assert.Single(table.Processes, p => p.Argv is [_, "600"] && p.Executable == program);

        var result = await new ProcessTerminator(TimeProvider.System, TimeSpan.FromSeconds(2))
            .TerminateAsync(Target(table, process.Id, TestPrograms.UserA)).WithTimeout();

        Assert.Equal([user.Pid], result.SignalledPids);
        Assert.True(result.Succeeded);
        Assert.True(TestPrograms.IsAlive(root.Identity));
        Assert.True(TestPrograms.IsAlive(table.Find(process.Id)!.Identity));
    }

    [Fact]
    public async Task TerminateAsync_ChildForkedDuringTheWait_IsKilledToo()
    {
        var child = _programs.Sleep("late-sleep");
        // On SIGTERM the script forks a fresh child and keeps running until SIGKILL.
        var script = _programs.Script("late.sh", $"trap '{child} 700 &' TERM\nwhile true; do sleep 0.1; done");
        using var process = _programs.Start(TestPrograms.UserA, "/bin/sh", script);
        await TestPrograms.WaitForExecAsync(process.Id, script);
        var table = ProcessTable.Read();

        var result = await new ProcessTerminator(TimeProvider.System, TimeSpan.FromSeconds(1))
            .TerminateAsync(Target(table, process.Id)).WithTimeout();

        Assert.True(result.Succeeded);
        Assert.True(result.Killed);
        Assert.Empty(_programs.Running());
    }

    public void Dispose() => _programs.Dispose();

    private static TerminationTarget Target(ProcessTable table, int group, long uid = TestPrograms.UserA)
    {
        var leader = table.Find(group)!;
        var known = table.Processes.Where(p => p.ProcessGroup == group).Concat(TestPrograms.Descendants(table, group)).Select(p => p.Identity).Distinct();
        return new TerminationTarget(uid, group, leader.StartTicks, [.. known]);
    }
}
