using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>The <c>edgeaccess.v1.PersonService</c> admin API: people, and a member's own profile.</summary>
public sealed partial class PersonGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    TimeProvider time,
    ILogger<PersonGrpcService> logger) : PersonService.ServiceBase
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Person> CreatePerson(CreatePersonRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Person ?? throw ApiErrors.Invalid("person", "is required");
        var name = PersonRules.DisplayName(input.DisplayName, "person.display_name");
        var email = PersonRules.Email(input.Email, "person.email");
        var externalId = PersonRules.ExternalId(input.ExternalId, "person.external_id");
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Person.Parser, async () =>
        {
            await PersonRules.EnsureUniqueAsync(db, email, externalId, null, ct);
            var person = new Entities.Person
            {
                Id = AdminWrites.NewId(time),
                DisplayName = name,
                Email = email,
                ExternalId = externalId,
                Active = !input.HasActive || input.Active,
            };
            db.People.Add(person);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), "person", ct);
            PeopleLog.PersonCreated(logger, person.Id);
            return person.ToMessage();
        }, ct);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<Person> GetPerson(GetPersonRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, context.CancellationToken);
        return person.OrNotFound("person", id).ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Person> UpdatePerson(UpdatePersonRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Person ?? throw ApiErrors.Invalid("person", "is required");
        var id = Validate.Id(input.Id, "person.id");
        var etag = Validate.Etag(input.Etag, "person.etag");
        var mask = UpdateMask.From(request.UpdateMask, "display_name", "email", "external_id", "active");
        var name = mask.Has("display_name") ? PersonRules.DisplayName(input.DisplayName, "person.display_name") : null;
        var email = mask.Has("email") ? PersonRules.Email(input.Email, "person.email") : null;
        var externalId = mask.Has("external_id") ? PersonRules.ExternalId(input.ExternalId, "person.external_id") : null;

        var person = (await db.People.SingleOrDefaultAsync(p => p.Id == id, ct)).OrNotFound("person", id);
        AdminWrites.CheckEtag(db, person, id, etag, "person");
        person.DisplayName = name ?? person.DisplayName;
        if (mask.Has("email"))
        {
            person.Email = email;
        }

        if (mask.Has("external_id"))
        {
            person.ExternalId = externalId;
        }

        if (mask.Names("active") || (mask.IsFull && input.HasActive))
        {
            person.Active = input.Active;
        }

        await PersonRules.EnsureUniqueAsync(db, person.Email, person.ExternalId, id, ct);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "person", ct);
        PeopleLog.PersonUpdated(logger, id);
        return person.ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Empty> DeletePerson(DeletePersonRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var person = (await db.People.SingleOrDefaultAsync(p => p.Id == id, ct)).OrNotFound("person", id);
        AdminWrites.CheckEtag(db, person, id, etag, "person");
        if (await db.Cards.AnyAsync(c => c.PersonId == id, ct))
        {
            throw ApiErrors.FailedPrecondition($"person {id} still holds cards; delete or reassign them first");
        }

        // Memberships and direct grants are removed through the change tracker rather than left to
        // ON DELETE CASCADE, so the audit trail and the rights compiler see them go; saved before
        // the person (the model maps no relationships, so EF would not order the deletes).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Memberships.RemoveRange(await db.Memberships.Where(m => m.PersonId == id).ToListAsync(ct));
        db.DirectGrants.RemoveRange(await db.DirectGrants.Where(g => g.PersonId == id).ToListAsync(ct));
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "person", ct);
        db.People.Remove(person);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "person", ct);
        await transaction.CommitAsync(ct);
        PeopleLog.PersonDeleted(logger, id);
        return new Empty();
    }
}
