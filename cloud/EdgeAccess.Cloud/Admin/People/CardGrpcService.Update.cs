using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

public sealed partial class CardGrpcService
{
    private static readonly string[] UpdatePaths = ["person_id", "status", "valid_from", "valid_to", "allow_when_degraded", "pin"];

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Card> UpdateCard(UpdateCardRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Card ?? throw ApiErrors.Invalid("card", "is required");
        var id = Validate.Id(input.Id, "card.id");
        var etag = Validate.Etag(input.Etag, "card.etag");
        var mask = UpdateMask.From(request.UpdateMask, UpdatePaths);
        if (!string.IsNullOrEmpty(input.Number))
        {
            throw ApiErrors.Invalid("card.number", "cannot change; issue a new card instead");
        }

        var personId = mask.Has("person_id") ? Validate.Id(input.PersonId, "card.person_id") : (Guid?)null;
        var status = mask.Has("status") ? input.Status.ToEntity("card.status") : (Entities.CardStatus?)null;
        var from = Validate.Time(input.ValidFrom, "card.valid_from");
        var to = Validate.Time(input.ValidTo, "card.valid_to");
        var pin = mask.Names("pin") ? CardRules.Pin(input.Pin, "card.pin") : null;
        if (!mask.Names("pin") && !string.IsNullOrEmpty(input.Pin))
        {
            throw ApiErrors.Invalid("card.pin", "changes only with \"pin\" in update_mask");
        }

        var card = (await db.Cards.SingleOrDefaultAsync(c => c.Id == id, ct)).OrNotFound("card", id);
        AdminWrites.CheckEtag(db, card, id, etag, "card");
        if (personId is { } newPerson && newPerson != card.PersonId)
        {
            await CardRules.EnsurePersonExistsAsync(db, newPerson, "card.person_id", ct);
            card.PersonId = newPerson;
        }

        card.Status = status ?? card.Status;
        card.ValidFrom = mask.Has("valid_from") ? from : card.ValidFrom;
        card.ValidTo = mask.Has("valid_to") ? to : card.ValidTo;
        if (card.ValidFrom is { } start && card.ValidTo is { } end && end <= start)
        {
            throw ApiErrors.Invalid("card.valid_to", "must be after card.valid_from");
        }

        card.AllowWhenDegraded = mask.Has("allow_when_degraded") ? input.AllowWhenDegraded : card.AllowWhenDegraded;
        if (mask.Names("pin"))
        {
            card.PinHash = pin is null ? null : pinHasher.HashPassword(card, pin);
        }

        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "card", ct);
        PeopleLog.CardUpdated(logger, id);
        return card.ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator)]
    public override async Task<Card> SetCardStatus(SetCardStatusRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var status = request.Status.ToEntity("status");
        var etag = Validate.Etag(request.Etag, "etag");
        var card = (await db.Cards.SingleOrDefaultAsync(c => c.Id == id, ct)).OrNotFound("card", id);
        AdminWrites.CheckEtag(db, card, id, etag, "card");
        card.Status = status;
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "card", ct);
        PeopleLog.CardStatusChanged(logger, id, status.ToString(), caller.Username);
        return card.ToMessage();
    }
}
