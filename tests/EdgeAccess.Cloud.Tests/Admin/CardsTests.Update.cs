using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

public sealed partial class CardsTests
{
    [Fact]
    public async Task UpdateCard_MaskedPinAndPerson_ChangesThoseOnly()
    {
        var person = await hub.NewPersonAsync();
        var other = await hub.NewPersonAsync();
        var card = await hub.NewCardAsync(person.Id, pin: "1111");

        var updated = await hub.Cards.UpdateCardAsync(new UpdateCardRequest
        {
            Card = new Card { Id = card.Id, Etag = card.Etag, PersonId = other.Id, Pin = "22223333", Status = CardStatus.Lost },
            UpdateMask = new FieldMask { Paths = { "person_id", "pin" } },
        }, hub.Admin).WithTimeout();

        Assert.Equal(other.Id, updated.PersonId);
        Assert.Equal(CardStatus.Active, updated.Status);
        Assert.Equal("2", updated.Etag);
        var row = await hub.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(card.Id)));
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<Stored.Card>().VerifyHashedPassword(row, row.PinHash!, "22223333"));

        var cleared = await hub.Cards.UpdateCardAsync(new UpdateCardRequest { Card = new Card { Id = card.Id }, UpdateMask = new FieldMask { Paths = { "pin" } } }, hub.Admin).WithTimeout();
        Assert.False(cleared.HasPin);
    }

    [Fact]
    public async Task UpdateCard_NumberPinWithoutMaskOrBadWindow_InvalidArgument()
    {
        var person = await hub.NewPersonAsync();
        var card = await hub.NewCardAsync(person.Id);
        var at = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

        await hub.Cards.UpdateCardAsync(new UpdateCardRequest { Card = new Card { Id = card.Id, PersonId = person.Id, Number = "ABCD1234" } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "card.number");
        await hub.Cards.UpdateCardAsync(new UpdateCardRequest { Card = new Card { Id = card.Id, PersonId = person.Id, Pin = "1234" } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "card.pin");
        await hub.Cards.UpdateCardAsync(new UpdateCardRequest
        {
            Card = new Card { Id = card.Id, ValidFrom = at },
            UpdateMask = new FieldMask { Paths = { "valid_from" } },
        }, hub.Admin).WithTimeout();
        await hub.Cards.UpdateCardAsync(new UpdateCardRequest
        {
            Card = new Card { Id = card.Id, ValidTo = at },
            UpdateMask = new FieldMask { Paths = { "valid_to" } },
        }, hub.Admin).FailsWith(StatusCode.InvalidArgument, "card.valid_to: must be after card.valid_from");
    }

    [Fact]
    public async Task SetCardStatus_OperatorBlocksAndUnblocks_StaleEtagFails_CannotUpdateOrDelete()
    {
        var person = await hub.NewPersonAsync();
        var card = await hub.NewCardAsync(person.Id);

        var blocked = await hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = card.Id, Status = CardStatus.Blocked, Etag = card.Etag }, hub.Operator).WithTimeout();
        await hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = card.Id, Status = CardStatus.Active, Etag = card.Etag }, hub.Operator)
            .FailsWith(StatusCode.FailedPrecondition, "etag");
        var unblocked = await hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = card.Id, Status = CardStatus.Active, Etag = blocked.Etag }, hub.Operator).WithTimeout();

        Assert.Equal(CardStatus.Blocked, blocked.Status);
        Assert.Equal(CardStatus.Active, unblocked.Status);
        Assert.Equal("3", unblocked.Etag);
        await hub.Cards.UpdateCardAsync(new UpdateCardRequest { Card = new Card { Id = card.Id, PersonId = person.Id } }, hub.Operator).FailsWith(StatusCode.PermissionDenied);
        await hub.Cards.DeleteCardAsync(new DeleteCardRequest { Id = card.Id }, hub.Operator).FailsWith(StatusCode.PermissionDenied);
        await hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = card.Id, Status = CardStatus.Lost }, hub.Auditor).FailsWith(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task ListCards_ByPersonAndStatusAcrossPages_EveryMatchOnce()
    {
        var person = await hub.NewPersonAsync();
        var cards = new List<Card>();
        for (var i = 0; i < 5; i++)
        {
            cards.Add(await hub.NewCardAsync(person.Id));
        }

        await hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = cards[1].Id, Status = CardStatus.Lost }, hub.Admin).WithTimeout();
        var seen = new List<Card>();
        var token = "";
        do
        {
            var page = await hub.Cards.ListCardsAsync(new ListCardsRequest { PersonId = person.Id, PageSize = 2, PageToken = token }, hub.Auditor).WithTimeout();
            seen.AddRange(page.Cards);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var lost = await hub.Cards.ListCardsAsync(new ListCardsRequest { PersonId = person.Id, Status = CardStatus.Lost }, hub.Auditor).WithTimeout();

        Assert.Equal(cards.Select(c => c.Id).Order(), seen.Select(c => c.Id));
        Assert.Equal([cards[1].Id], lost.Cards.Select(c => c.Id));
    }

    [Fact]
    public async Task DeleteCard_ThenGet_NotFound_StaleEtagRefused()
    {
        var person = await hub.NewPersonAsync();
        var card = await hub.NewCardAsync(person.Id);
        var blocked = await hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = card.Id, Status = CardStatus.Blocked }, hub.Admin).WithTimeout();

        await hub.Cards.DeleteCardAsync(new DeleteCardRequest { Id = card.Id, Etag = card.Etag }, hub.Admin).FailsWith(StatusCode.FailedPrecondition);
        await hub.Cards.DeleteCardAsync(new DeleteCardRequest { Id = card.Id, Etag = blocked.Etag }, hub.Admin).WithTimeout();

        await hub.Cards.GetCardAsync(new GetCardRequest { Id = card.Id }, hub.Admin).FailsWith(StatusCode.NotFound);
    }
}
