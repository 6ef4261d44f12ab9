using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// The <c>edgeaccess.v1.CardService</c> admin API. A card number is hashed on arrival
/// (<see cref="CardNumberHasher"/>) and a PIN with the password hasher; neither is ever stored,
/// answered, logged or audited in clear.
/// </summary>
public sealed partial class CardGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    CardNumberHasher hasher,
    IPasswordHasher<Entities.Card> pinHasher,
    TimeProvider time,
    ILogger<CardGrpcService> logger) : CardService.ServiceBase
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Card> CreateCard(CreateCardRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Card ?? throw ApiErrors.Invalid("card", "is required");
        var personId = Validate.Id(input.PersonId, "card.person_id");
        var number = CardRules.Number(hasher, input.Number, "card.number");
        var pin = CardRules.Pin(input.Pin, "card.pin");
        var status = input.Status.ToEntity("card.status");
        var (from, to) = Validate.Window(input.ValidFrom, input.ValidTo, "card.valid_from", "card.valid_to");

        // The stored request fingerprint must not be a plain hash of a short number or PIN (it could
        // be brute-forced): compare requests by keyed digests instead.
        var fingerprint = request.Clone();
        fingerprint.Card.Number = Convert.ToHexString(number.Hash);
        fingerprint.Card.Pin = pin is null ? "" : Convert.ToHexString(hasher.Digest("card.pin", pin));
        return await idempotency.CreateAsync(db, caller, request.RequestId, fingerprint, Card.Parser, async () =>
        {
            await CardRules.EnsurePersonExistsAsync(db, personId, "card.person_id", ct);
            await CardRules.EnsureNumberFreeAsync(db, number.Hash, ct);
            var card = new Entities.Card
            {
                Id = AdminWrites.NewId(time),
                PersonId = personId,
                NumberHash = number.Hash,
                LastDigits = number.LastDigits,
                Status = status,
                ValidFrom = from,
                ValidTo = to,
                AllowWhenDegraded = input.AllowWhenDegraded,
            };
            card.PinHash = pin is null ? null : pinHasher.HashPassword(card, pin);
            db.Cards.Add(card);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), "card", ct);
            PeopleLog.CardCreated(logger, card.Id, personId);
            return card.ToMessage();
        }, ct);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<Card> GetCard(GetCardRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var card = await db.Cards.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, context.CancellationToken);
        return card.OrNotFound("card", id).ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator)]
    public override async Task<Card> FindCardByNumber(FindCardByNumberRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var number = CardRules.Number(hasher, request.Number, "number");
        var card = await db.Cards.AsNoTracking().SingleOrDefaultAsync(c => c.NumberHash == number.Hash, context.CancellationToken);
        PeopleLog.CardLookedUp(logger, caller.Username, card is not null);
        return card?.ToMessage() ?? throw ApiErrors.NotFoundMessage("no card has that number");
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Empty> DeleteCard(DeleteCardRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var card = (await db.Cards.SingleOrDefaultAsync(c => c.Id == id, ct)).OrNotFound("card", id);
        AdminWrites.CheckEtag(db, card, id, etag, "card");
        db.Cards.Remove(card);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "card", ct);
        PeopleLog.CardDeleted(logger, id);
        return new Empty();
    }
}
