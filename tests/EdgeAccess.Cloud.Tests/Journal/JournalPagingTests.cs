using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary>Paging of <c>ListEvents</c> on a journal that grows meanwhile, each test on a node of its own.</summary>
public sealed class JournalPagingTests(JournalHub hub) : IClassFixture<JournalHub>
{
    [Fact]
    public async Task ListEvents_EventsStoredWhilePaging_LaterPagesUnaffectedByNewerOnes()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var request = new ListEventsRequest { NodeId = node, PageSize = 2 };
        await hub.StoreAsync(node, site, [.. Enumerable.Range(1, 5).Select(i => JournalHub.Other(i, i, "door.unlock"))]);

        var first = await hub.Journal.ListEventsAsync(request, hub.Admin).ResponseAsync.WithTimeout();
        await hub.StoreAsync(node, site, JournalHub.Other(6, 100, "door.unlock"));
        request.PageToken = first.NextPageToken;
        var rest = await hub.ListAllAsync(request);

        Assert.Equal([5L, 4, 3, 2, 1], first.Events.Concat(rest).Select(e => e.Seq));
    }

    [Fact]
    public async Task ListEvents_DefaultPageSize_Hundred()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        await hub.StoreAsync(node, site, [.. Enumerable.Range(1, 150).Select(i => JournalHub.Other(i, i, "door.unlock"))]);

        var page = await hub.Journal.ListEventsAsync(new ListEventsRequest { NodeId = node }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(100, page.Events.Count);
        Assert.NotEmpty(page.NextPageToken);
    }

    [Fact]
    public async Task ListEvents_ThousandOneEventsInPagesOfThousand_TwoPagesAllEventsOnce()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        for (var start = 1; start <= 1001; start += 500)
        {
            await hub.StoreAsync(node, site, [.. Enumerable.Range(start, Math.Min(500, 1002 - start)).Select(i => JournalHub.Other(i, i % 7, "door.unlock"))]);
        }

        var first = await hub.Journal.ListEventsAsync(new ListEventsRequest { NodeId = node, PageSize = 1000 }, hub.Admin).ResponseAsync.WithTimeout();
        var all = await hub.ListAllAsync(new ListEventsRequest { NodeId = node, PageSize = 1000 });

        Assert.Equal(1000, first.Events.Count);
        Assert.Equal(1001, all.Select(e => e.Seq).Distinct().Count());
        Assert.Equal(all.OrderByDescending(e => e.OccurTime.ToDateTimeOffset()).ThenByDescending(e => e.Seq).Select(e => e.Seq), all.Select(e => e.Seq));
    }
}
