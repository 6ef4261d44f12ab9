using System.Diagnostics;
using System.Text;
using EdgeAccess.Edge.LabPolicy.Processes;

namespace EdgeAccess.Edge.LabPolicy.Tests.Processes;

[Collection(RealProcesses.Name)]
public sealed class ProcessTableTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    [Fact]
    public void TryParseStat_CommWithSpacesAndParentheses_CountsFieldsAfterTheLastParenthesis()
    {
        // Field 22 (starttime) is 987654; the comm itself contains ") S 1 2 3 (".
        var line = "4242 (a) S 1 2 3 (b) R 17 4242 4200 34816 4242 4194304 100 0 0 0 5 6 0 0 20 0 1 0 987654 1000 100 18446744073709551615\n";

        Assert.True(ProcessTable.TryParseStat(Encoding.UTF8.GetBytes(line), out var stat));

        Assert.Equal("a) S 1 2 3 (b", stat.Comm);
        Assert.Equal('R', stat.State);
        Assert.Equal(17, stat.ParentPid);
        Assert.Equal(4242, stat.ProcessGroup);
        Assert.Equal(4200, stat.Session);
        Assert.Equal(987654UL, stat.StartTicks);
    }

    [Fact]
    public void TryParseStat_Truncated_IsRejected()
    {
        Assert.False(ProcessTable.TryParseStat("12 (x) S 1 12 12 0"u8, out _));
        Assert.False(ProcessTable.TryParseStat("12 x S 1"u8, out _));
    }

    [Fact]
    public void ParseCgroup_PrefersTheUnifiedPathUnlessItIsTheRoot()
    {
        Assert.Equal("/user.slice/user-1000.slice/session-3.scope", ProcessTable.ParseCgroup("0::/user.slice/user-1000.slice/session-3.scope\n"u8));
        Assert.Equal("/lab/a", ProcessTable.ParseCgroup("9:name=systemd:/\n4:memory:/lab/a\n0::/\n"u8));
        Assert.Equal("/", ProcessTable.ParseCgroup("0::/\n"u8));
    }

    [Fact]
    public void SplitArguments_NulSeparated_KeepsEmptyArguments()
    {
        Assert.Equal(["/bin/sh", "", "x y"], ProcessTable.SplitArguments("/bin/sh\0\0x y\0"u8));
        Assert.Empty(ProcessTable.SplitArguments(""u8));
    }

    [Fact]
    public async Task Read_RealProcessWithParenthesesInItsName_ReadsEveryField()
    {
        var program = _programs.Sleep("lab) (x y");
        using var process = _programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);

        var table = ProcessTable.Read(ProcessDetail.Complete);
        var read = table.Find(process.Id);

        Assert.NotNull(read);
        Assert.Equal("lab) (x y", read.Comm);
        Assert.Equal(TestPrograms.UserA, read.Uid);
        Assert.Equal(process.Id, read.ProcessGroup); // setsid: its own group and session
        Assert.Equal(process.Id, read.Session);
        Assert.Equal(Environment.ProcessId, read.ParentPid);
        Assert.Equal(program, read.Executable);
        Assert.Equal([program, "600"], read.Argv);
        Assert.Equal(ProcessTable.ReadStartTicks(process.Id), read.StartTicks);
        Assert.NotEqual("", read.Cgroup);
        Assert.InRange(read.StartedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal(info.StartTicks, read.StartTicks);
    }

    [Fact]
    public async Task Read_ScriptRunByAnInterpreter_ResolvesTheRelativeScriptPath()
    {
        var script = _programs.Script("ctl.sh", "sleep 600\necho done");
        // sh runs "ctl.sh" relative to its working directory: argv[1] is relative.
        using var process = _programs.Start(TestPrograms.UserA, "/bin/sh", "-c", $"cd {_programs.Folder} && exec /bin/sh ctl.sh");
        await TestPrograms.EventuallyAsync(() => ProcessTable.ReadOne(process.Id)?.Argv is [_, "ctl.sh", ..], TimeSpan.FromSeconds(5));

        var read = ProcessTable.ReadOne(process.Id);

        Assert.NotNull(read);
        Assert.Equal("ctl.sh", read.Argv[1]);
        Assert.Equal(script, read.ScriptPath);
    }

    [Fact]
    public async Task ReadOne_ExitedProcess_IsNull()
    {
        using var process = Process.Start("/bin/true")!;
        await process.WaitForExitAsync().WithTimeout();

        Assert.Null(ProcessTable.ReadOne(process.Id));
        Assert.Null(ProcessTable.ReadStartTicks(process.Id));
    }

    [Fact]
    public async Task Read_TwoThousandProcessesOfAnotherUser_SeesEveryOneWithItsDetails()
    {
        // What a scan costs is measured by bench/lab/run.sh; this checks that a large table is whole.
        var program = _programs.Sleep("many-sleep");
        // One shell forks 2000 sleeps; they share a process group, so Dispose's sweep ends them.
        var spawner = _programs.Script("spawn.sh", $"i=0; while [ $i -lt 2000 ]; do {program} 600 & i=$((i+1)); done; wait");
        using var process = _programs.Start(TestPrograms.UserA, "/bin/sh", spawner);
        Assert.True(await TestPrograms.EventuallyAsync(
            () => ProcessTable.Read(ProcessDetail.Basic).Processes.Count(p => p.ProcessGroup == process.Id) > 2000, TimeSpan.FromSeconds(60)));

        var group = ProcessTable.Read().Processes.Where(p => p.ProcessGroup == process.Id && p.Pid != process.Id).ToList();
        Assert.Equal(2000, group.Count);
        Assert.All(group, p =>
        {
            Assert.Equal(TestPrograms.UserA, p.Uid);
            Assert.Equal(program, p.Executable);
            Assert.NotEqual(0UL, p.StartTicks);
        });
    }

    public void Dispose() => _programs.Dispose();
}
