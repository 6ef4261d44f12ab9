using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Groups;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

public sealed partial class PersonGrpcService
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Member, Entities.UserRole.Auditor, Entities.UserRole.Operator, Entities.UserRole.Admin)]
    public override async Task<MyProfile> GetMyProfile(GetMyProfileRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var personId = caller.PersonId ?? throw ApiErrors.NotFoundMessage("your user is not linked to a person");
        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == personId, ct)
            ?? throw ApiErrors.NotFoundMessage("the person your user is linked to no longer exists");
        var cards = await db.Cards.AsNoTracking().Where(c => c.PersonId == personId).OrderBy(c => c.Id).ToListAsync(ct);
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.PersonId == personId)
            .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { Membership = m, g.Name })
            .OrderBy(x => x.Membership.Id)
            .ToListAsync(ct);

        var profile = new MyProfile { Person = person.ToMessage() };
        profile.Cards.AddRange(cards.Select(c => c.ToMessage()));
        profile.Memberships.AddRange(memberships.Select(x => new MyMembership { Membership = x.Membership.ToMessage(), GroupName = x.Name }));
        return profile;
    }
}
