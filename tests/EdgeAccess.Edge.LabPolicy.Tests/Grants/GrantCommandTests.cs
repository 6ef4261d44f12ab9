using System.ComponentModel.DataAnnotations;
using EdgeAccess.Edge.LabPolicy.Grants;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>Command templates (configuration and rendering) and the runner (no shell, timeout, stderr tail).</summary>
public sealed class GrantCommandTests
{
    private const string Resource = "6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";

    [Theory]
    [InlineData("gpasswd")]
    [InlineData("./gpasswd")]
    [InlineData("usr/sbin/gpasswd")]
    [InlineData("/usr/sbin/{user}")]
    [InlineData("")]
    public void Parse_ExecutableNotAbsolute_IsRejected(string executable)
    {
        Assert.False(CommandTemplate.TryParse("GrantCommand", [executable, "-a", "{user}", "{group}"], out _, out var error));
        Assert.Contains("GrantCommand", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownPlaceholder_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => CommandTemplate.Parse("RevokeCommand", ["/usr/sbin/gpasswd", "-d", "{usr}", "{group}"]));
        Assert.Contains("{usr}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Placeholders_EachValueStaysInItsArgument()
    {
        var template = CommandTemplate.Parse("GrantCommand", ["/usr/sbin/usermod", "--append", "--groups={group}", "{user}", "uid={uid}", "{resource}"]);

        var argv = template.Render(new CommandValues("ada", 1001, "labusers", Resource.ToUpperInvariant()));

        Assert.Equal(["/usr/sbin/usermod", "--append", "--groups=labusers", "ada", "uid=1001", Resource], argv);
    }

    [Theory]
    [InlineData("-a")]
    [InlineData("ada;id")]
    [InlineData("ada\n")]
    [InlineData("ada`id`")]
    [InlineData("a2345678901234567890123456789012x")]
    [InlineData("")]
    public void Render_InvalidUserName_Throws(string user)
    {
        var template = CommandTemplate.Parse("GrantCommand", ["/usr/sbin/gpasswd", "-a", "{user}", "{group}"]);

        Assert.Throws<CommandValueException>(() => template.Render(new CommandValues(user, 1001, "labusers", Resource)));
    }

    [Fact]
    public void Render_MachineAccountAndInvalidOtherValues_AreJudgedPerPlaceholder()
    {
        var template = CommandTemplate.Parse("GrantCommand", ["/bin/true", "{user}", "{uid}", "{resource}"]);

        Assert.Equal("host1$", template.Render(new CommandValues("host1$", 5, null, Resource))[1]);
        Assert.Throws<CommandValueException>(() => template.Render(new CommandValues("ada", -1, null, Resource)));
        Assert.Throws<CommandValueException>(() => template.Render(new CommandValues("ada", 5, null, "not-a-guid")));
        Assert.Throws<CommandValueException>(() => template.Render(new CommandValues("ada", 5, null, $" {Resource};id")));
        // A placeholder the template does not use needs no value.
        Assert.Equal(["/bin/true", "ada", "5", Resource], template.Render(new CommandValues("ada", 5, "bad;group", Resource)));
    }

    [Fact]
    public async Task Run_SlowCommand_IsKilledAtTimeout()
    {
        var runner = new CommandRunner(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await runner.RunAsync(["/bin/sleep", "30"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(-1, outcome.ExitCode);
        Assert.Contains("timed out", outcome.Error, StringComparison.Ordinal);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_FailingCommand_KeepsExitCodeAndStderrTail()
    {
        var runner = new CommandRunner(TimeSpan.FromSeconds(10), TimeProvider.System);

        var outcome = await runner.RunAsync(["/bin/sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x >&2; echo ' the end' >&2; exit 7"], CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(7, outcome.ExitCode);
        Assert.False(outcome.Succeeded);
        Assert.EndsWith("the end", outcome.Error, StringComparison.Ordinal);
        Assert.True(outcome.Error.Length <= CommandRunner.ErrorTailChars);
    }

    [Fact]
    public async Task Run_MissingExecutable_DoesNotStart()
    {
        var runner = new CommandRunner(TimeSpan.FromSeconds(10), TimeProvider.System);

        var outcome = await runner.RunAsync(["/nonexistent/grant"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(-1, outcome.ExitCode);
        Assert.StartsWith("did not start", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ArgumentWithShellSyntax_ReachesTheProgramVerbatim()
    {
        var runner = new CommandRunner(TimeSpan.FromSeconds(10), TimeProvider.System);

        var outcome = await runner.RunAsync(["/bin/echo", "$(id) ; `id` | >x"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("$(id) ; `id` | >x\n", outcome.Output);
    }

    [Fact]
    public async Task Run_NodeSettingsInEnvironment_AreNotPassedOn()
    {
        var runner = new CommandRunner(TimeSpan.FromSeconds(10), TimeProvider.System);
        Environment.SetEnvironmentVariable("EdgeAccess__GrantTest__Secret", "s3cret-value");
        try
        {
            var outcome = await runner.RunAsync(["/usr/bin/env"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.True(outcome.Succeeded);
            Assert.DoesNotContain("s3cret-value", outcome.Output, StringComparison.Ordinal);
            Assert.Contains("LC_ALL=C", outcome.Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("EdgeAccess__GrantTest__Secret", null);
        }
    }

    [Fact]
    public void Options_RelativeOrMissingCommands_FailValidation()
    {
        var relative = new LabGrantOptions { GrantCommand = ["gpasswd", "-a", "{user}", "{group}"], RevokeCommand = ["/usr/sbin/gpasswd", "-d", "{user}", "{group}"] };
        var onlyGrant = new LabGrantOptions { GrantCommand = ["/usr/sbin/gpasswd", "-a", "{user}", "{group}"] };
        var valid = new LabGrantOptions
        {
            GrantCommand = ["/usr/sbin/gpasswd", "-a", "{user}", "{group}"],
            RevokeCommand = ["/usr/sbin/gpasswd", "-d", "{user}", "{group}"],
            ListCommand = ["/usr/bin/getent", "group", "{group}"],
        };

        Assert.Contains(Validate(relative), r => r.MemberNames.Contains(nameof(LabGrantOptions.GrantCommand)));
        Assert.Contains(Validate(onlyGrant), r => r.MemberNames.Contains(nameof(LabGrantOptions.RevokeCommand)));
        Assert.Empty(Validate(valid));
        Assert.Empty(Validate(new LabGrantOptions()));
        Assert.False(new LabGrantOptions().Enabled);
    }

    private static List<ValidationResult> Validate(LabGrantOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
