using EdgeAccess.Edge.LabPolicy.Processes;

namespace EdgeAccess.Edge.LabPolicy.Tests.Processes;

public sealed class ProgramPatternTests
{
    [Theory]
    [InlineData("/opt/lab/ctl", "/opt/lab/ctl", true)]
    [InlineData("/opt/lab/ctl", "/opt/lab/ctl2", false)]
    [InlineData("/opt/lab/*", "/opt/lab/ctl", true)]
    [InlineData("/opt/lab/*", "/opt/lab/bin/ctl", false)] // * stays within a segment
    [InlineData("/opt/*/ctl", "/opt/lab/ctl", true)]
    [InlineData("/opt/lab/ctl-?", "/opt/lab/ctl-2", true)]
    [InlineData("/opt/lab/ctl-?", "/opt/lab/ctl-22", false)]
    [InlineData("/opt/lab/ctl-[0-9]", "/opt/lab/ctl-7", true)]
    [InlineData("/opt/lab/ctl-[0-9]", "/opt/lab/ctl-x", false)]
    [InlineData("/opt/lab/ctl-[!0-9]", "/opt/lab/ctl-x", true)]
    [InlineData("/opt/lab/ctl-[!0-9]", "/opt/lab/ctl-7", false)]
    [InlineData("/opt/lab/[]x]", "/opt/lab/]", true)]
    [InlineData("/opt/lab/a[b", "/opt/lab/a[b", true)] // unterminated: a literal '['
    [InlineData("/opt/lab/*.py", "/opt/lab/run.py", true)]
    [InlineData("/opt/lab/a.c", "/opt/lab/abc", false)] // '.' is literal
    [InlineData("/opt/Lab/ctl", "/opt/lab/ctl", false)] // case-sensitive
    public void IsMatch_Globs_MatchWithinSegments(string pattern, string path, bool expected) =>
        Assert.Equal(expected, ProgramPattern.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("ctl")]
    [InlineData("./bin/ctl")]
    [InlineData("")]
    public void TryParse_RelativeOrEmpty_IsRejected(string pattern) =>
        Assert.False(ProgramPattern.TryParse(pattern, out _, out _));

    [Fact]
    public void Matches_ExecutableArgv0Argv1OrScriptPath()
    {
        var pattern = ProgramPattern.Parse("/opt/lab/ctl*");
        ProcessInfo Process(string? exe, string[] argv, string? script = null) => new() { Pid = 10, Executable = exe, Argv = argv, ScriptPath = script };

        Assert.True(pattern.Matches(Process("/opt/lab/ctl", ["ctl"])));
        Assert.True(pattern.Matches(Process("/usr/bin/busybox", ["/opt/lab/ctl"])));
        Assert.True(pattern.Matches(Process("/usr/bin/python3.11", ["python3", "/opt/lab/ctl.py"])));
        Assert.True(pattern.Matches(Process("/usr/bin/python3.11", ["python3", "ctl.py"], "/opt/lab/ctl.py")));
        Assert.False(pattern.Matches(Process("/usr/bin/python3.11", ["python3", "-m", "/opt/lab/ctl.py"])));
        Assert.False(pattern.Matches(Process(null, [])));
    }

    [Fact]
    public void Compile_WithResolver_AlsoMatchesTheResolvedDirectory()
    {
        var set = ProgramPatternSet.Compile(["/opt/lab/bin/*", "relative"], path => path == "/opt/lab/bin" ? "/srv/lab-2.1/bin" : null);

        Assert.True(set.Matches(new ProcessInfo { Pid = 1, Executable = "/srv/lab-2.1/bin/ctl" }));
        Assert.False(set.Matches(new ProcessInfo { Pid = 1, Executable = "/srv/other/ctl" }));
        Assert.Single(set.Invalid);
    }
}
