using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cli.Tests;

/// <summary>
/// The lab-process policy from the command line (issue 6): a node's OS accounts and their links to
/// people, resources created and updated with a policy, and a resource's maintenance. The node's
/// account report is written to the hub's database directly (the sync stream is the hub's tests').
/// </summary>
public sealed class LabTests(CliHub hub) : IClassFixture<CliHub>
{
    [Fact]
    public async Task NodesAccounts_LinkByEmailListThenUnlink()
    {
        var user = await hub.SignedInAdminAsync();
        var node = await NewNodeAsync(user);
        await ReportAsync(node, (0, "root", "root"), (1000, "ada", "Ada Lovelace"), (1001, "ben", ""));
        var email = $"ada-{Guid.NewGuid().ToString("N")[..8]}@example.org";
        var person = await NewPersonAsync("Ada Lab " + Guid.NewGuid().ToString("N")[..6], email);

        var link = await user.RunAsync("nodes", "link-account", node, "1000", email);
        var all = await user.RunAsync("nodes", "accounts", node);
        var linked = await user.RunAsync("nodes", "accounts", node, "--linked");
        var unlink = await user.RunAsync("nodes", "unlink-account", node, "1000");
        var json = await user.RunAsync("--json", "nodes", "accounts", node, "--linked");

        Assert.True(link.ExitCode == 0, link.ToString());
        Assert.Equal($"Account ada (uid 1000) on {node} is linked to {person.DisplayName} ({person.Id}).\n", link.Out);
        Assert.True(all.ExitCode == 0, all.ToString());
        var lines = all.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^UID\s+NAME\s+FULL NAME\s+PRESENT\s+PERSON\s+LINKED\s+REPORTED$", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^0\s+root\s+root\s+yes\s+-\s+-\s+\d{4}-", lines[1]);
        Assert.Matches($@"^1000\s+ada\s+Ada Lovelace\s+yes\s+{person.DisplayName} \({person.Id}\)\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+\d{{4}}-", lines[2]);
        Assert.Matches(@"^1001\s+ben\s+-\s+yes\s+-\s+-\s+", lines[3]);
        Assert.Equal(2, linked.Out.TrimEnd().Split('\n').Length);
        Assert.StartsWith("1000 ", linked.Out.Split('\n')[1], StringComparison.Ordinal);
        Assert.True(unlink.ExitCode == 0, unlink.ToString());
        Assert.Equal($"Account ada (uid 1000) on {node} is linked to nobody.\n", unlink.Out);
        Assert.Empty(JsonParser.Default.Parse<ListNodeAccountsResponse>(json.Out).Accounts);
    }

    [Fact]
    public async Task NodesLinkAccount_UnknownUidOrEmail_NotFound()
    {
        var user = await hub.SignedInAdminAsync();
        var node = await NewNodeAsync(user);
        await ReportAsync(node, (1000, "ada", ""));

        var uid = await user.RunAsync("nodes", "link-account", node, "4242", "Ada Lovelace");
        var email = await user.RunAsync("nodes", "link-account", node, "1000", "nobody@example.org");
        var notNumber = await user.RunAsync("nodes", "unlink-account", node, "ada");

        Assert.Equal(1, uid.ExitCode);
        Assert.Equal($"error: NOT_FOUND: node {node} reports no account with uid 4242\n", uid.Err);
        Assert.Equal(1, email.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: no person has the email nobody@example.org", email.Err, StringComparison.Ordinal);
        Assert.Equal(2, notNumber.ExitCode);
    }

    [Fact]
    public async Task ResourcesCreateThenUpdate_LabPolicyShownAndKeptWhenNotGiven()
    {
        var user = await hub.SignedInAdminAsync();
        var node = await NewNodeAsync(user);
        var name = "spectrometer-" + Guid.NewGuid().ToString("N")[..6];

        var created = await user.RunAsync("resources", "create", name, "--site", "Demo Campus", "--kind", "device", "--door", "Lab 1", "--node", node,
            "--control-program", "/opt/spectro/bin/*", "--control-program", "/usr/bin/acquire", "--lab-mode", "enforce",
            "--lab-warning", "5m", "--lab-grace", "90", "--lab-interval", "2", "--lab-exempt", "backup, svc-scan$", "--lab-group", "labusers");
        var updated = await user.RunAsync("resources", "update", name, "--lab-mode", "monitor", "--lab-warning", "0");
        var described = await user.RunAsync("resources", "update", name, "--description", "the new one");
        var show = await user.RunAsync("resources", "show", name);
        var json = await user.RunAsync("--json", "resources", "show", name);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.StartsWith($"Resource {name} (", created.Out, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^node:\s+{node}$", created.Out);
        Assert.Matches(@"(?m)^control programs:\s+/opt/spectro/bin/\*, /usr/bin/acquire$", created.Out);
        Assert.Matches(@"(?m)^lab policy:\s+ENFORCE$", created.Out);
        Assert.Matches(@"(?m)^lab timing:\s+warn 5 min before the end, stop 90 s after, check every 2 s$", created.Out);
        Assert.Matches(@"(?m)^lab exempt:\s+root, backup, svc-scan\$$", created.Out);
        Assert.Matches(@"(?m)^lab os group:\s+labusers$", created.Out);
        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.Matches(@"(?m)^lab policy:\s+MONITOR$", updated.Out);
        Assert.Matches(@"(?m)^lab timing:\s+warn 5 min \(default\) before the end, stop 90 s after, check every 2 s$", updated.Out);
        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"(?m)^kind:\s+DEVICE$", show.Out);
        Assert.Matches(@"(?m)^description:\s+the new one$", show.Out);
        Assert.Matches(@"(?m)^doors:\s+Lab 1 \(spectroscopy\) \(", show.Out);
        Assert.Matches(@"(?m)^lab policy:\s+MONITOR$", show.Out);
        Assert.Matches(@"(?m)^maintenance:\s+-$", show.Out);
        var resource = JsonParser.Default.Parse<BookableResource>(json.Out);
        Assert.Equal(new LabPolicy
        {
            Mode = LabPolicyMode.Monitor,
            WarningLeadSeconds = 0,
            GraceSeconds = 90,
            CheckIntervalSeconds = 2,
            ExemptAccounts = { "backup", "svc-scan$" },
            OsGroup = "labusers",
        }, resource.LabPolicy);
    }

    [Fact]
    public async Task ResourcesCreate_BadLabInput_UsageErrorOrTheHubNamesTheField()
    {
        var user = await hub.SignedInAdminAsync();
        var node = await NewNodeAsync(user);

        var mode = await user.RunAsync("resources", "create", "x-" + Guid.NewGuid().ToString("N")[..6], "--site", "Demo Campus", "--lab-mode", "sometimes");
        var interval = await user.RunAsync("resources", "create", "x-" + Guid.NewGuid().ToString("N")[..6], "--site", "Demo Campus", "--node", node, "--lab-mode", "enforce", "--lab-interval", "9");
        var noNode = await user.RunAsync("resources", "create", "x-" + Guid.NewGuid().ToString("N")[..6], "--site", "Demo Campus", "--lab-mode", "monitor");
        var relative = await user.RunAsync("resources", "create", "x-" + Guid.NewGuid().ToString("N")[..6], "--site", "Demo Campus", "--control-program", "matlab");

        Assert.Equal(2, mode.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: --lab-mode \"sometimes\" is not off, monitor or enforce", mode.Err, StringComparison.Ordinal);
        Assert.Equal(1, interval.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: resource.lab_policy.check_interval_seconds: must be between 0 (the default) and 5", interval.Err, StringComparison.Ordinal);
        Assert.Equal(1, noNode.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: resource.lab_policy.mode: needs resource.node_id", noNode.Err, StringComparison.Ordinal);
        Assert.Equal(1, relative.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: resource.control_programs[0]: must be an absolute path", relative.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcesShowAndList_InMaintenance_SaySo()
    {
        var user = await hub.SignedInAdminAsync();
        var node = await NewNodeAsync(user);
        var name = "maint-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await user.RunAsync("resources", "create", name, "--site", "Demo Campus", "--node", node, "--lab-mode", "enforce")).ExitCode);
        await using (var scope = hub.Host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var row = await db.BookingResources.SingleAsync(r => r.Name == name).WithTimeout();
            (row.MaintenanceSince, row.MaintenanceReason, row.MaintenanceNode) = (new DateTimeOffset(2030, 3, 12, 9, 0, 0, TimeSpan.Zero), "grant failed 3 times", node);
            await db.SaveChangesAsync().WithTimeout();
        }

        var show = await user.RunAsync("resources", "show", name);
        var list = await user.RunAsync("resources", "list", "--site", "Demo Campus");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches($@"(?m)^maintenance:\s+since 2030-03-12 09:00:00Z on node {node}: grant failed 3 times \(nobody may start its programs\)$", show.Out);
        Assert.Single(list.Out.Split('\n'), l => l.Contains(name, StringComparison.Ordinal) && l.Contains("yes (maintenance)", StringComparison.Ordinal));
    }

    private static async Task<string> NewNodeAsync(CliUser user)
    {
        var id = $"lab-{Guid.NewGuid():N}"[..16];
        var created = await user.RunAsync("nodes", "create", id, "--site", "Demo Campus");
        Assert.True(created.ExitCode == 0, created.ToString());
        return id;
    }

    // What NodeAccountSync writes when the node reports its passwd set.
    private async Task ReportAsync(string nodeId, params (long Uid, string Name, string FullName)[] accounts)
    {
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        foreach (var (uid, name, fullName) in accounts)
        {
            db.NodeAccounts.Add(new Cloud.Data.Entities.NodeAccount
            {
                Id = Guid.NewGuid(), NodeId = nodeId, Uid = uid, Name = name, FullName = fullName, Present = true, ReportedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            });
        }

        await db.SaveChangesAsync().WithTimeout();
    }

    private async Task<Person> NewPersonAsync(string name, string email)
    {
        var admin = await hub.Host.SignInAsync(UserRole.Admin);
        return await new PersonService.Client(hub.Host.Channel).CreatePersonAsync(
            new CreatePersonRequest { Person = new Person { DisplayName = name, Email = email } }, admin).ResponseAsync.WithTimeout();
    }
}
