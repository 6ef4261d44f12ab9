using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class GrantsTests
{
    [Fact]
    public async Task ListAccessSchemes_ByDoorGroupAndSite_FiltersAndPages()
    {
        var (site, doorA, doorB, schedule) = await fixture.NewSiteWithDoorsAsync();
        var group = (await fixture.NewGroupAsync()).ToString();
        var withA = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var input = await SchemeAsync(site, schedule, doorA, doorB);
            input.GroupId = group;
            withA.Add((await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = input }, fixture.Admin).WithTimeout()).Id);
        }

        var onlyB = await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = await SchemeAsync(site, schedule, doorB) }, fixture.Admin).WithTimeout();

        var first = await fixture.Grants.ListAccessSchemesAsync(new ListAccessSchemesRequest { DoorId = doorA.Id, PageSize = 2 }, fixture.Auditor).WithTimeout();
        var second = await fixture.Grants.ListAccessSchemesAsync(new ListAccessSchemesRequest { DoorId = doorA.Id, PageSize = 2, PageToken = first.NextPageToken }, fixture.Auditor).WithTimeout();
        var byGroup = await fixture.Grants.ListAccessSchemesAsync(new ListAccessSchemesRequest { GroupId = group, SiteId = site.Id }, fixture.Auditor).WithTimeout();
        var bySite = await fixture.Grants.ListAccessSchemesAsync(new ListAccessSchemesRequest { SiteId = site.Id }, fixture.Auditor).WithTimeout();

        Assert.Equal(withA, first.Schemes.Concat(second.Schemes).Select(s => s.Id));
        Assert.All(first.Schemes, s => Assert.Equal(2, s.DoorIds.Count));
        Assert.Empty(second.NextPageToken);
        Assert.Equal(withA, byGroup.Schemes.Select(s => s.Id));
        Assert.Equal([.. withA, onlyB.Id], bySite.Schemes.Select(s => s.Id));
    }

    [Fact]
    public async Task DeleteAccessScheme_ThenDoorIsFree_BothDeleted()
    {
        var (site, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var scheme = await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = await SchemeAsync(site, schedule, doorA) }, fixture.Admin).WithTimeout();

        await fixture.Grants.DeleteAccessSchemeAsync(new DeleteAccessSchemeRequest { Id = scheme.Id, Etag = "99" }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition, "etag");
        await fixture.Grants.DeleteAccessSchemeAsync(new DeleteAccessSchemeRequest { Id = scheme.Id, Etag = scheme.Etag }, fixture.Admin).WithTimeout();
        await fixture.Sites.DeleteDoorAsync(new DeleteDoorRequest { Id = doorA.Id }, fixture.Admin).WithTimeout();

        await fixture.Grants.GetAccessSchemeAsync(new GetAccessSchemeRequest { Id = scheme.Id }, fixture.Admin).FailsWith(StatusCode.NotFound);
        Assert.Equal(["create", "delete"], await fixture.AuditActionsAsync("AccessScheme", scheme.Id));
    }

    [Fact]
    public async Task CreateAccessScheme_AsOperator_PermissionDenied()
    {
        var (site, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();

        await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = await SchemeAsync(site, schedule, doorA) }, fixture.Operator)
            .FailsWith(StatusCode.PermissionDenied);
    }
}
