using EdgeAccess.Cli.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests;

/// <summary>import … --dry-run prints the hub's per-row report and writes nothing.</summary>
public sealed class ImportTests(CliHub hub) : IClassFixture<CliHub>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeaccess-cli-import-").FullName;

    [Fact]
    public async Task ImportPeople_DryRun_ReportsRowsAndWritesNothing()
    {
        var user = await hub.SignedInAdminAsync();
        var csv = Write("people.csv", "external_id,display_name,email\nhr-1001,Dana Fox,dana@example.org\nhr-1002,Eli Moss,\n");

        var result = await user.RunAsync("import", "people", csv, "--dry-run");
        var people = await user.RunAsync("people", "list", "--name", "Dana");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^LINE\s+OUTCOME\s+ENTITY ID\s+ERROR$", lines[0]);
        Assert.Matches(@"^2\s+CREATED\s+-$", lines[1]);
        Assert.Matches(@"^3\s+CREATED\s+-$", lines[2]);
        Assert.Equal("Dry run, nothing written: 2 to create, 0 to update, 0 unchanged, 0 with errors.", lines[3]);
        Assert.Equal("No people.\n", people.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ImportPeople_DryRunWithABadRow_ReportsItAndExits1()
    {
        var user = await hub.SignedInAdminAsync();
        var csv = Write("bad.csv", "external_id,display_name\nhr-2001,Finn Gray\nhr-2002,\n");

        var result = await user.RunAsync("import", "people", csv, "--dry-run");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"(?m)^3\s+ERROR\s+-\s+display_name: ", result.Out);
        Assert.Contains("1 with errors", result.Out, StringComparison.Ordinal);
        Assert.StartsWith("error: INVALID_ARGUMENT: 1 of 2 rows have errors", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportCards_DryRun_ReportNeverShowsTheNumbers()
    {
        var user = await hub.SignedInAdminAsync();
        var csv = Write("cards.csv", $"person_external_id,number\nnobody-1,{CliHub.CleoCard}\n");

        // CliUser checks every run's output for the demo card numbers.
        var result = await user.RunAsync("import", "cards", csv, "--dry-run");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"(?m)^2\s+ERROR\s+", result.Out);
    }

    [Fact]
    public async Task Import_MissingFile_UsageError()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("import", "people", Path.Combine(_directory, "absent.csv"));

        Assert.Equal(2, result.ExitCode);
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
