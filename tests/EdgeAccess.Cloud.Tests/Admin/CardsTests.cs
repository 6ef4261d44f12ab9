using System.Text;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary><c>edgeaccess.v1.CardService</c> over real gRPC: numbers hashed, PINs hashed, never echoed.</summary>
public sealed partial class CardsTests(PeopleHub hub) : IClassFixture<PeopleHub>
{
    [Fact]
    public async Task CreateCard_ThenGet_ShowsLastDigitsAndHasPinOnly()
    {
        var person = await hub.NewPersonAsync();
        var number = PeopleCalls.NewCardNumber();
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var created = await hub.Cards.CreateCardAsync(new CreateCardRequest
        {
            Card = new Card
            {
                PersonId = person.Id,
                Number = $" {number[..4].ToLowerInvariant()}-{number[4..8]} {number[8..]} ",
                Pin = "123456",
                Status = CardStatus.Blocked,
                ValidFrom = Timestamp.FromDateTimeOffset(from),
                ValidTo = Timestamp.FromDateTimeOffset(from.AddYears(1)),
                AllowWhenDegraded = true,
            },
        }, hub.Admin).WithTimeout();
        var read = await hub.Cards.GetCardAsync(new GetCardRequest { Id = created.Id }, hub.Auditor).WithTimeout();

        Assert.Equal(created, read);
        Assert.Equal(number[^4..], created.LastDigits);
        Assert.True(created.HasPin);
        Assert.Equal(CardStatus.Blocked, created.Status);
        Assert.True(created.AllowWhenDegraded);
        Assert.Equal(from, created.ValidFrom.ToDateTimeOffset());
        Assert.Equal("", created.Number);
        Assert.Equal("", created.Pin);
        Assert.Equal("1", created.Etag);
    }

    [Fact]
    public async Task CreateCard_NumberNeverStoredOrAuditedInClear_PinStoredAsPasswordHash()
    {
        var person = await hub.NewPersonAsync();
        var number = PeopleCalls.NewCardNumber();
        var card = await hub.NewCardAsync(person.Id, number, pin: "908172");
        var id = Guid.Parse(card.Id);

        var row = await hub.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == id));
        var rowText = string.Join("|", row.LastDigits, row.PinHash, Convert.ToHexString(row.NumberHash), Convert.ToBase64String(row.NumberHash), Encoding.Latin1.GetString(row.NumberHash));
        Assert.DoesNotContain(number, rowText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(number[..8], rowText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(32, row.NumberHash.Length);
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<Stored.Card>().VerifyHashedPassword(row, row.PinHash!, "908172"));
        Assert.DoesNotContain("908172", row.PinHash, StringComparison.Ordinal);

        var audit = await hub.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityId == card.Id).ToListAsync());
        Assert.NotEmpty(audit);
        var auditText = string.Join("|", audit.Select(a => $"{a.Before}|{a.After}|{a.RequestId}"));
        Assert.DoesNotContain(number, auditText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(row.NumberHash), auditText, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(row.NumberHash), auditText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(row.PinHash!, auditText, StringComparison.Ordinal);
        Assert.DoesNotContain("908172", auditText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCard_SameNumberOtherSpelling_AlreadyExistsWithoutNumber()
    {
        var person = await hub.NewPersonAsync();
        var number = PeopleCalls.NewCardNumber();
        await hub.NewCardAsync(person.Id, number);

        var error = await hub.Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = string.Join('-', number.ToLowerInvariant().Chunk(4).Select(c => new string(c))) } }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "a card with that number already exists");
        Assert.DoesNotContain(number[^8..], error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "", "card.number: is required")]
    [InlineData("12G4", "", "card.number: must be 4 to 64 hex digits")]
    [InlineData("123", "", "card.number: must be 4 to 64 hex digits")]
    [InlineData("ABCDEF12", "12a4", "card.pin: must be 4 to 12 digits")]
    [InlineData("ABCDEF12", "123", "card.pin: must be 4 to 12 digits")]
    [InlineData("ABCDEF12", "1234567890123", "card.pin: must be 4 to 12 digits")]
    public async Task CreateCard_BadNumberOrPin_InvalidArgumentNamingFieldNotValue(string number, string pin, string detail)
    {
        var person = await hub.NewPersonAsync();

        var error = await hub.Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = number, Pin = pin } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, detail);
        if (number.Length > 0)
        {
            Assert.DoesNotContain(number, error.Status.Detail, StringComparison.Ordinal);
        }

        if (pin.Length > 0)
        {
            Assert.DoesNotContain(pin, error.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateCard_BadPersonWindowOrStatus_InvalidArgumentNamingField()
    {
        var person = await hub.NewPersonAsync();
        var at = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

        await hub.Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = Guid.NewGuid().ToString(), Number = PeopleCalls.NewCardNumber() } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "card.person_id");
        await hub.Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = PeopleCalls.NewCardNumber(), ValidFrom = at, ValidTo = at } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "card.valid_to: must be after card.valid_from");
        await hub.Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = PeopleCalls.NewCardNumber(), Status = (CardStatus)9 } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "card.status");
    }

    [Fact]
    public async Task CreateCard_SameRequestIdTwice_OneCard_OtherNumberSameId_AlreadyExists()
    {
        var person = await hub.NewPersonAsync();
        var request = new CreateCardRequest { RequestId = Guid.NewGuid().ToString(), Card = new Card { PersonId = person.Id, Number = PeopleCalls.NewCardNumber(), Pin = "2468" } };

        var first = await hub.Cards.CreateCardAsync(request, hub.Admin).WithTimeout();
        var second = await hub.Cards.CreateCardAsync(request, hub.Admin).WithTimeout();
        request.Card.Number = PeopleCalls.NewCardNumber();
        await hub.Cards.CreateCardAsync(request, hub.Admin).FailsWith(StatusCode.AlreadyExists, "request_id");

        Assert.Equal(first, second);
        Assert.Equal(1, await hub.CountAsync<Stored.Card>(c => c.PersonId == Guid.Parse(person.Id)));
        var key = await hub.QueryAsync(db => db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.RequestId == request.RequestId));
        Assert.DoesNotContain(request.Card.Number, Encoding.Latin1.GetString(key.Response), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FindCardByNumber_AnySpelling_FindsCard_UnknownNotFound_AuditorDenied()
    {
        var person = await hub.NewPersonAsync();
        var number = PeopleCalls.NewCardNumber();
        var card = await hub.NewCardAsync(person.Id, number);

        var found = await hub.Cards.FindCardByNumberAsync(new FindCardByNumberRequest { Number = $"{number.ToLowerInvariant()} " }, hub.Operator).WithTimeout();

        Assert.Equal(card, found);
        await hub.Cards.FindCardByNumberAsync(new FindCardByNumberRequest { Number = PeopleCalls.NewCardNumber() }, hub.Admin).FailsWith(StatusCode.NotFound);
        await hub.Cards.FindCardByNumberAsync(new FindCardByNumberRequest { Number = "xyz" }, hub.Admin).FailsWith(StatusCode.InvalidArgument, "number:");
        await hub.Cards.FindCardByNumberAsync(new FindCardByNumberRequest { Number = number }, hub.Auditor).FailsWith(StatusCode.PermissionDenied);
    }
}
