using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Nodes;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>The lab-process policy and maintenance state of bookable resources over the admin API (issue 6).</summary>
public sealed class ResourceLabPolicyTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task CreateResource_LabPolicyWithNode_StoredReturnedAndAudited()
    {
        var node = await NewNodeAsync();
        var input = Resource(node, EnforcePolicy());
        input.ControlPrograms.Add("/opt/spectro/bin/*");

        var created = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = input }, hub.Admin).ResponseAsync.WithTimeout();
        var read = await hub.Booking.GetResourceAsync(new GetResourceRequest { Id = created.Id }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(EnforcePolicy(), created.LabPolicy);
        Assert.Equal(created, read);
        Assert.Equal(["/opt/spectro/bin/*"], read.ControlPrograms);
        Assert.Null(read.Maintenance);
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.EntityType == "BookingResource" && a.EntityId == created.Id).WithTimeout();
        Assert.Equal("create", audit.Action);
        Assert.Contains("\"lab_mode\": \"Enforce\"", audit.After, StringComparison.Ordinal);
        Assert.Contains("\"lab_exempt_accounts\": [\"backup\", \"svc-scan$\"]", audit.After, StringComparison.Ordinal);
        Assert.Contains("\"lab_os_group\": \"labusers\"", audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateResource_NoPolicy_OffWithDefaults()
    {
        var created = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = Resource(null, null) }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(new LabPolicy(), created.LabPolicy);
        Assert.Equal(LabPolicyMode.Off, created.LabPolicy.Mode);
    }

    public static TheoryData<string, string> BadPolicies => new()
    {
        { "mode=7", "resource.lab_policy.mode: must be LAB_POLICY_MODE_OFF" },
        { "warning=-1", "resource.lab_policy.warning_lead_seconds: must be between 0" },
        { "warning=86401", "resource.lab_policy.warning_lead_seconds: must be between 0 (the default) and 86400" },
        { "grace=86401", "resource.lab_policy.grace_seconds: must be between 0 (the default) and 86400" },
        { "interval=6", "resource.lab_policy.check_interval_seconds: must be between 0 (the default) and 5" },
        { "exempt=Root", "resource.lab_policy.exempt_accounts[1]: must be a login name" },
        { "exempt=9lives", "resource.lab_policy.exempt_accounts[1]: must be a login name" },
        { "exempt=backup", "resource.lab_policy.exempt_accounts[1]: \"backup\" is listed twice" },
        { "exempt*33", "resource.lab_policy.exempt_accounts: at most 32 entries" },
        { "group=lab users", "resource.lab_policy.os_group: must be empty or a group name" },
        { "program=bin/matlab", "resource.control_programs[0]: must be an absolute path or pattern, starting with '/'" },
        { "program=/opt/a\\nb", "resource.control_programs[0]: must not contain control characters" },
        { "program=/opt/a\\0b", "resource.control_programs[0]: must not contain control characters" },
        { "program*33", "resource.control_programs: at most 32 entries" },
        { "program=long", "resource.control_programs[0]: must be at most 4096 characters" },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public async Task CreateResource_BadPolicyOrProgram_InvalidArgumentNamingTheField(string change, string expected)
    {
        var node = await NewNodeAsync();
        var input = Resource(node, new LabPolicy { Mode = LabPolicyMode.Monitor, ExemptAccounts = { "backup" } });
        var (what, value) = change.Contains('=') ? (change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..]) : (change, "");
        switch (what)
        {
            case "mode": input.LabPolicy.Mode = (LabPolicyMode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "warning": input.LabPolicy.WarningLeadSeconds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "grace": input.LabPolicy.GraceSeconds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "interval": input.LabPolicy.CheckIntervalSeconds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "exempt": input.LabPolicy.ExemptAccounts.Add(value); break;
            case "exempt*33": input.LabPolicy.ExemptAccounts.AddRange(Enumerable.Range(0, 32).Select(i => $"user{i}")); break;
            case "group": input.LabPolicy.OsGroup = value; break;
            case "program": input.ControlPrograms.Add(value == "long" ? "/" + new string('a', 4096) : value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\0", "\0", StringComparison.Ordinal)); break;
            case "program*33": input.ControlPrograms.AddRange(Enumerable.Range(0, 33).Select(i => $"/opt/p{i}")); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "unknown change");
        }

        var ex = await BookingHub.FailsAsync(() => hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = input }, hub.Admin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(expected, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateResource_PolicyWithoutNode_InvalidArgumentNamingTheMode()
    {
        var ex = await BookingHub.FailsAsync(() => hub.Booking.CreateResourceAsync(
            new CreateResourceRequest { Resource = Resource(null, new LabPolicy { Mode = LabPolicyMode.Monitor }) }, hub.Admin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("resource.lab_policy.mode: needs resource.node_id", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateResource_PolicyUnset_KeptAndSetReplaced()
    {
        var node = await NewNodeAsync();
        var created = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = Resource(node, EnforcePolicy()) }, hub.Admin).ResponseAsync.WithTimeout();

        var renamed = created.Clone();
        renamed.Name += "-renamed";
        renamed.LabPolicy = null;
        var kept = await hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = renamed }, hub.Admin).ResponseAsync.WithTimeout();
        var changed = kept.Clone();
        changed.LabPolicy = new LabPolicy { Mode = LabPolicyMode.Monitor, CheckIntervalSeconds = 1 };
        var updated = await hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = changed }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(EnforcePolicy(), kept.LabPolicy);
        Assert.Equal(new LabPolicy { Mode = LabPolicyMode.Monitor, CheckIntervalSeconds = 1 }, updated.LabPolicy);
        Assert.NotEqual(kept.Etag, updated.Etag);
        var read = await hub.Booking.GetResourceAsync(new GetResourceRequest { Id = created.Id }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal(updated.LabPolicy, read.LabPolicy);
    }

    [Fact]
    public async Task UpdateResource_NodeRemovedWhilePolicyOn_InvalidArgumentNamingTheMode()
    {
        var node = await NewNodeAsync();
        var created = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = Resource(node, EnforcePolicy()) }, hub.Admin).ResponseAsync.WithTimeout();
        var input = created.Clone();
        input.NodeId = "";
        input.LabPolicy = null;

        var ex = await BookingHub.FailsAsync(() => hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = input }, hub.Admin).ResponseAsync);
        input.LabPolicy = new LabPolicy();
        var off = await hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = input }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("resource.lab_policy.mode: needs resource.node_id", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(("", LabPolicyMode.Off), (off.NodeId, off.LabPolicy.Mode));
    }

    [Fact]
    public async Task GetAndListResources_InMaintenance_ShowTheMaintenance()
    {
        var node = await NewNodeAsync();
        var created = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = Resource(node, EnforcePolicy()) }, hub.Admin).ResponseAsync.WithTimeout();
        var since = hub.Clock.GetUtcNow().AddMinutes(-3);
        await using (var scope = hub.Host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var row = await db.BookingResources.SingleAsync(r => r.Id == Guid.Parse(created.Id)).WithTimeout();
            (row.MaintenanceSince, row.MaintenanceReason, row.MaintenanceNode) = (since, "grant failed 3 times", node);
            await db.SaveChangesAsync().WithTimeout();
        }

        var read = await hub.Booking.GetResourceAsync(new GetResourceRequest { Id = created.Id }, hub.Member).ResponseAsync.WithTimeout();
        var listed = await hub.Booking.ListResourcesAsync(new ListResourcesRequest { SiteId = hub.SiteId, PageSize = 500 }, hub.Admin).ResponseAsync.WithTimeout();

        var expected = new ResourceMaintenance { NodeId = node, Since = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(since), Reason = "grant failed 3 times" };
        Assert.Equal(expected, read.Maintenance);
        Assert.Equal(expected, listed.Resources.Single(r => r.Id == created.Id).Maintenance);
    }

    private static LabPolicy EnforcePolicy() => new()
    {
        Mode = LabPolicyMode.Enforce,
        WarningLeadSeconds = 600,
        GraceSeconds = 120,
        CheckIntervalSeconds = 2,
        ExemptAccounts = { "backup", "svc-scan$" },
        OsGroup = "labusers",
    };

    private BookableResource Resource(string? node, LabPolicy? policy) => new()
    {
        SiteId = hub.SiteId,
        Name = "lab-" + Guid.NewGuid().ToString("N")[..8],
        Kind = ResourceKind.LabInstallation,
        NodeId = node ?? "",
        LabPolicy = policy,
    };

    private async Task<string> NewNodeAsync()
    {
        var created = await new NodeService.Client(hub.Host.Channel).CreateNodeAsync(
            new CreateNodeRequest { NodeId = NodeHub.NewNodeId("lab"), SiteId = hub.SiteId }, hub.Admin).ResponseAsync.WithTimeout();
        return created.Node.Id;
    }
}
