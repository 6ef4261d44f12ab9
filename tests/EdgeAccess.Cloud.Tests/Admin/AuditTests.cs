using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary><c>edgeaccess.v1.AuditService</c> over real gRPC: filters, newest-first paging, roles.</summary>
public sealed class AuditTests(PeopleHub hub) : IClassFixture<PeopleHub>
{
    [Fact]
    public async Task ListAuditEntries_ByEntity_NewestFirstWithBeforeAndAfter()
    {
        var person = await hub.NewPersonAsync();
        var renamed = PeopleHub.Unique("Renamed");
        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = person.Id, DisplayName = renamed } }, hub.Admin).WithTimeout();

        var entries = await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { EntityType = "Person", EntityId = person.Id }, hub.Auditor).WithTimeout();

        Assert.Equal(["update", "create"], entries.Entries.Select(e => e.Action));
        Assert.True(entries.Entries[0].Id > entries.Entries[1].Id);
        Assert.Contains(renamed, entries.Entries[0].AfterJson, StringComparison.Ordinal);
        Assert.Contains(person.DisplayName, entries.Entries[0].BeforeJson, StringComparison.Ordinal);
        Assert.Equal("", entries.Entries[1].BeforeJson);
        Assert.All(entries.Entries, e => Assert.Equal(hub.AdminName, e.ActorName));
        Assert.Equal("", entries.NextPageToken);
    }

    [Fact]
    public async Task ListAuditEntries_ByActorAndRequestId_OnlyThatActorsChanges()
    {
        var request = new CreatePersonRequest { RequestId = Guid.NewGuid().ToString(), Person = new Person { DisplayName = PeopleHub.Unique("Tracked") } };
        var person = await hub.People.CreatePersonAsync(request, hub.Admin).WithTimeout();

        var byName = await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { Actor = hub.AdminName.ToUpperInvariant(), EntityId = person.Id }, hub.Admin).WithTimeout();
        var byId = await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { Actor = byName.Entries[0].ActorId, EntityId = person.Id }, hub.Admin).WithTimeout();
        var byOther = await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { Actor = "somebody-else", EntityId = person.Id }, hub.Admin).WithTimeout();

        var entry = Assert.Single(byName.Entries);
        Assert.Equal(request.RequestId, entry.RequestId);
        Assert.Equal(byName.Entries, byId.Entries);
        Assert.Empty(byOther.Entries);
    }

    [Fact]
    public async Task ListAuditEntries_TimeRangeAndPaging_EveryEntryOnceNewestFirst()
    {
        var start = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        var tag = PeopleHub.Unique("Window");
        for (var i = 0; i < 5; i++)
        {
            await hub.NewGroupAsync($"{tag} {i}");
        }

        var end = TimeProvider.System.GetUtcNow().AddSeconds(1);
        var range = new ListAuditEntriesRequest
        {
            EntityType = "Group",
            StartTime = Timestamp.FromDateTimeOffset(start),
            EndTime = Timestamp.FromDateTimeOffset(end),
            PageSize = 2,
        };
        var seen = new List<AuditEntry>();
        do
        {
            var page = await hub.Audit.ListAuditEntriesAsync(range, hub.Auditor).WithTimeout();
            seen.AddRange(page.Entries);
            range.PageToken = page.NextPageToken;
        }
        while (range.PageToken.Length > 0);
        var future = await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { StartTime = Timestamp.FromDateTimeOffset(end.AddHours(1)) }, hub.Auditor).WithTimeout();

        var mine = seen.Where(e => e.AfterJson.Contains(tag, StringComparison.Ordinal)).ToList();
        Assert.Equal(5, mine.Count);
        Assert.Equal(seen.Select(e => e.Id).OrderDescending(), seen.Select(e => e.Id));
        Assert.Equal(seen.Count, seen.Select(e => e.Id).Distinct().Count());
        Assert.All(seen, e => Assert.InRange(e.Time.ToDateTimeOffset(), start, end));
        Assert.Empty(future.Entries);
    }

    [Fact]
    public async Task ListAuditEntries_BadInputOrRole_Refused()
    {
        await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageToken = "!!" }, hub.Admin).FailsWith(StatusCode.InvalidArgument, "page_token");
        await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest
        {
            StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddDays(1)),
            EndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
        }, hub.Admin).FailsWith(StatusCode.InvalidArgument, "end_time");
        await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest(), hub.Operator).FailsWith(StatusCode.PermissionDenied);
        await hub.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest(), hub.Member).FailsWith(StatusCode.PermissionDenied);
    }
}
