using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary><c>edgeaccess.v1.SiteService</c> over real gRPC: sites, doors, roles and gRPC-web.</summary>
public sealed partial class SitesTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task CreateSite_ThenGet_ReturnsStoredSiteWithFirstEtag()
    {
        var name = AdminFixture.Unique("HQ");

        var created = await fixture.Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"  {name} ", TimeZone = "America/New_York" } }, fixture.Admin).WithTimeout();
        var read = await fixture.Sites.GetSiteAsync(new GetSiteRequest { Id = created.Id }, fixture.Auditor).WithTimeout();

        Assert.Equal(name, created.Name);
        Assert.Equal("America/New_York", created.TimeZone);
        Assert.Equal("1", created.Etag);
        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Equal(created, read);
        Assert.InRange(created.CreateTime.ToDateTimeOffset(), TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddMinutes(1));
        Assert.Equal(1, await fixture.CountAsync<Stored.FeedHead>(h => h.SiteId == Guid.Parse(created.Id)));
    }

    [Theory]
    [InlineData("", "Europe/Berlin", "site.name: is required")]
    [InlineData("Plant", "", "site.time_zone: is required")]
    [InlineData("Plant", "Mars/Olympus_Mons", "site.time_zone: unknown IANA time zone \"Mars/Olympus_Mons\"")]
    [InlineData("Plant\u0007", "Europe/Berlin", "site.name: must not contain control characters")]
    public async Task CreateSite_BadField_InvalidArgumentNamingIt(string name, string zone, string detail)
    {
        await fixture.Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = name, TimeZone = zone } }, fixture.Admin)
            .FailsWith(StatusCode.InvalidArgument, detail);
    }

    [Fact]
    public async Task CreateSite_DuplicateName_AlreadyExists()
    {
        var site = await fixture.NewSiteAsync();

        await fixture.Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = site.Name, TimeZone = "UTC" } }, fixture.Admin)
            .FailsWith(StatusCode.AlreadyExists, site.Name);
    }

    [Fact]
    public async Task CreateSite_SameRequestIdTwice_SameSiteAndOneRow()
    {
        var request = new CreateSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = new Site { Name = AdminFixture.Unique("Campus"), TimeZone = "Europe/Paris" } };

        var first = await fixture.Sites.CreateSiteAsync(request, fixture.Admin).WithTimeout();
        var second = await fixture.Sites.CreateSiteAsync(request, fixture.Admin).WithTimeout();

        Assert.Equal(first, second);
        Assert.Equal(1, await fixture.CountAsync<Stored.Site>(s => s.Name == request.Site.Name));
    }

    [Fact]
    public async Task CreateSite_SameRequestIdOtherBody_AlreadyExists()
    {
        var requestId = Guid.NewGuid().ToString();
        await fixture.Sites.CreateSiteAsync(new CreateSiteRequest { RequestId = requestId, Site = new Site { Name = AdminFixture.Unique("A"), TimeZone = "UTC" } }, fixture.Admin).WithTimeout();
        var other = AdminFixture.Unique("B");

        await fixture.Sites.CreateSiteAsync(new CreateSiteRequest { RequestId = requestId, Site = new Site { Name = other, TimeZone = "UTC" } }, fixture.Admin)
            .FailsWith(StatusCode.AlreadyExists, "request_id");
        Assert.Equal(0, await fixture.CountAsync<Stored.Site>(s => s.Name == other));
    }

    [Fact]
    public async Task CreateSite_RefusedThenRetriedWithSameRequestId_Creates()
    {
        var request = new CreateSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = new Site { Name = AdminFixture.Unique("Lab"), TimeZone = "Nowhere/City" } };
        await fixture.Sites.CreateSiteAsync(request, fixture.Admin).FailsWith(StatusCode.InvalidArgument, "site.time_zone");

        request.Site.TimeZone = "Asia/Tokyo";
        var created = await fixture.Sites.CreateSiteAsync(request, fixture.Admin).WithTimeout();

        Assert.Equal("Asia/Tokyo", created.TimeZone);
    }

    [Fact]
    public async Task ListSites_NameFilterAcrossPages_ReturnsEachMatchOnceInIdOrder()
    {
        var prefix = AdminFixture.Unique("Listed");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await fixture.NewSiteAsync($"{prefix} {i}")).Id);
        }

        await fixture.NewSiteAsync();
        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await fixture.Sites.ListSitesAsync(new ListSitesRequest { NameContains = prefix.ToUpperInvariant(), PageSize = 2, PageToken = token }, fixture.Operator).WithTimeout();
            seen.AddRange(page.Sites.Select(s => s.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(created, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListSites_TokenOfAnotherFilter_InvalidArgument()
    {
        await fixture.NewSiteAsync();
        await fixture.NewSiteAsync();
        var page = await fixture.Sites.ListSitesAsync(new ListSitesRequest { PageSize = 1 }, fixture.Admin).WithTimeout();

        await fixture.Sites.ListSitesAsync(new ListSitesRequest { PageSize = 1, PageToken = page.NextPageToken, NameContains = "x" }, fixture.Admin)
            .FailsWith(StatusCode.InvalidArgument, "page_token");
    }

    [Fact]
    public async Task UpdateSite_CurrentEtag_ReplacesFieldsMovesEtagAndAudits()
    {
        var site = await fixture.NewSiteAsync();
        var renamed = AdminFixture.Unique("Renamed");

        var updated = await fixture.Sites.UpdateSiteAsync(new UpdateSiteRequest { Site = new Site { Id = site.Id, Name = renamed, TimeZone = "Europe/London", Etag = site.Etag } }, fixture.Admin).WithTimeout();

        Assert.Equal(renamed, updated.Name);
        Assert.Equal("Europe/London", updated.TimeZone);
        Assert.NotEqual(site.Etag, updated.Etag);
        Assert.Equal(updated, await fixture.Sites.GetSiteAsync(new GetSiteRequest { Id = site.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(["create", "update"], await fixture.AuditActionsAsync("Site", site.Id));
    }

    [Fact]
    public async Task UpdateSite_StaleEtag_FailedPreconditionAndUnchanged()
    {
        var site = await fixture.NewSiteAsync();
        var current = await fixture.Sites.UpdateSiteAsync(new UpdateSiteRequest { Site = new Site { Id = site.Id, Name = site.Name, TimeZone = "UTC", Etag = site.Etag } }, fixture.Admin).WithTimeout();

        await fixture.Sites.UpdateSiteAsync(new UpdateSiteRequest { Site = new Site { Id = site.Id, Name = AdminFixture.Unique("Lost"), TimeZone = "UTC", Etag = site.Etag } }, fixture.Admin)
            .FailsWith(StatusCode.FailedPrecondition, "etag");

        Assert.Equal(current, await fixture.Sites.GetSiteAsync(new GetSiteRequest { Id = site.Id }, fixture.Admin).WithTimeout());
    }

    [Fact]
    public async Task UpdateSite_UnknownId_NotFound()
    {
        await fixture.Sites.UpdateSiteAsync(new UpdateSiteRequest { Site = new Site { Id = Guid.NewGuid().ToString(), Name = "X", TimeZone = "UTC" } }, fixture.Admin)
            .FailsWith(StatusCode.NotFound);
    }

    [Fact]
    public async Task GetSite_MalformedId_InvalidArgument()
    {
        await fixture.Sites.GetSiteAsync(new GetSiteRequest { Id = "site-1" }, fixture.Admin).FailsWith(StatusCode.InvalidArgument, "id: must be a UUID");
    }

    [Fact]
    public async Task DeleteSite_WithDoor_FailedPreconditionAndKept()
    {
        var site = await fixture.NewSiteAsync();
        await fixture.NewDoorAsync(site.Id);

        await fixture.Sites.DeleteSiteAsync(new DeleteSiteRequest { Id = site.Id }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition, "1 doors");

        Assert.Equal(site, await fixture.Sites.GetSiteAsync(new GetSiteRequest { Id = site.Id }, fixture.Admin).WithTimeout());
    }

    [Fact]
    public async Task DeleteSite_Empty_GoneAndAudited()
    {
        var site = await fixture.NewSiteAsync();

        await fixture.Sites.DeleteSiteAsync(new DeleteSiteRequest { Id = site.Id, Etag = site.Etag }, fixture.Admin).WithTimeout();

        await fixture.Sites.GetSiteAsync(new GetSiteRequest { Id = site.Id }, fixture.Admin).FailsWith(StatusCode.NotFound);
        Assert.Equal(["create", "delete"], await fixture.AuditActionsAsync("Site", site.Id));
    }
}
