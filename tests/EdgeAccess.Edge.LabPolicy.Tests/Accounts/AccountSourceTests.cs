using EdgeAccess.Edge.LabPolicy.Accounts;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAccess.Edge.LabPolicy.Tests.Accounts;

/// <summary>Reading the passwd file and noticing when it changes.</summary>
public sealed class AccountSourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edgeaccess-account-tests", Guid.NewGuid().ToString("N"));

    public AccountSourceTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public void Parse_PasswdWithNoise_KeepsValidAccountsFirstLineWins()
    {
        const string passwd = """
            # a comment
            root:x:0:0:root:/root:/bin/bash

            ada:x:1001:1001:Ada Lovelace,Room 12,555-1234,,:/home/ada:/bin/bash
            broken line without fields
            ben:x:notanumber:100::/home/ben:/bin/sh
            +nisuser::::::
            -nisexcluded::::::
            toor:x:0:0:second root:/root:/bin/sh
            ada:x:1005:1005:Ada again:/home/ada2:/bin/sh
            cleo:x:1003:1003::/home/cleo:/bin/zsh
            huge:x:99999999999:1::/:/bin/false
              # indented comment
            dora:x:1004:1004
            """;

        var accounts = AccountSource.Parse(passwd.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal([(0L, "root", "root"), (1001L, "ada", "Ada Lovelace"), (1003L, "cleo", ""), (1004L, "dora", "")],
            accounts.Select(a => (a.Uid, a.Name, a.FullName)));
    }

    [Fact]
    public void Read_RealEtcPasswd_HasRoot()
    {
        var accounts = AccountSource.Read(AccountSource.DefaultPath);

        Assert.Contains(accounts, a => a is { Uid: 0, Name: "root" });
        Assert.Equal(accounts.Count, accounts.Select(a => a.Uid).Distinct().Count());
    }

    [Fact]
    public async Task Refresh_FileChanges_PublishesNewVersionOnlyWhenContentDiffers()
    {
        var path = Path.Combine(_folder, "passwd");
        File.WriteAllText(path, "ada:x:1001:1001:Ada:/home/ada:/bin/sh\n");
        var reporter = new AccountReporter(path, NullLogger<AccountReporter>.Instance);
        var first = reporter.WaitForChangeAsync(0, CancellationToken.None);
        Assert.False(first.IsCompleted);

        Assert.True(reporter.Refresh());
        var v1 = await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, v1.Version);
        Assert.Equal(["ada"], v1.Accounts.Accounts.Select(a => a.Name));

        // Touched or rewritten with the same accounts: no new version.
        File.WriteAllText(path, "# edited\nada:x:1001:1001:Ada:/home/ada:/bin/sh\n");
        Assert.False(reporter.Refresh(force: true));

        var next = reporter.WaitForChangeAsync(1, CancellationToken.None);
        File.WriteAllText(path, "ada:x:1001:1001:Ada:/home/ada:/bin/sh\nben:x:1002:1002:Ben:/home/ben:/bin/sh\n");
        Assert.True(reporter.Refresh(force: true));
        var v2 = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, v2.Version);
        Assert.Equal(["ada", "ben"], v2.Accounts.Accounts.Select(a => a.Name));
    }

    [Fact]
    public void Refresh_FileMissing_PublishesNothing()
    {
        var reporter = new AccountReporter(Path.Combine(_folder, "absent"), NullLogger<AccountReporter>.Instance);

        Assert.False(reporter.Refresh(force: true));
        Assert.Null(reporter.Current);
    }

    [Fact]
    public async Task Watch_FileReplacedByRename_IsNoticed()
    {
        var path = Path.Combine(_folder, "passwd");
        File.WriteAllText(path, "ada:x:1001:1001:Ada:/home/ada:/bin/sh\n");
        var reporter = new AccountReporter(path, NullLogger<AccountReporter>.Instance);
        using var stop = new CancellationTokenSource();
        // A long poll: only the file-system watcher can notice the change within the test.
        var watching = reporter.WatchAsync(TimeSpan.FromHours(1), TimeProvider.System, stop.Token);
        var v1 = await reporter.WaitForChangeAsync(0, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // As useradd does: write a new file, rename it over the old one.
        File.WriteAllText(path + "+", "ada:x:1001:1001:Ada:/home/ada:/bin/sh\ncleo:x:1003:1003:Cleo:/home/cleo:/bin/sh\n");
        File.Move(path + "+", path, overwrite: true);
        var v2 = await reporter.WaitForChangeAsync(v1.Version, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["ada", "cleo"], v2.Accounts.Accounts.Select(a => a.Name));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
