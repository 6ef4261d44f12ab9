using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>
/// Card rows, matched by card number (its keyed hash): a new number issues a card to the person,
/// a known one updates that card (moving it to the named person if need be). Errors name the
/// number and pin columns but never contain their values.
/// </summary>
internal sealed class CardsImporter(
    HubDbContext db,
    CardNumberHasher hasher,
    IPasswordHasher<Entities.Card> pinHasher,
    TimeProvider time) : RowImporter
{
    private static readonly ImportColumns CardColumns = new(
        ["person_external_id", "number", "status", "valid_from", "valid_to", "pin"], ["person_external_id", "number"]);

    private readonly Dictionary<string, int> _seenNumbers = new(StringComparer.Ordinal);
    private Dictionary<string, Guid> _people = [];
    private Dictionary<string, Entities.Card> _cards = [];

    public override ImportColumns Columns => CardColumns;

    public override string Kind => "cards";

    public override async Task PrepareAsync(IReadOnlyList<CsvRow> rows, CancellationToken cancellationToken)
    {
        var externalIds = rows.Select(r => r["person_external_id"]).Where(v => v.Length > 0).Distinct().ToList();
        var hashes = rows
            .Select(r => CardNumberHasher.TryNormalize(r["number"], out var normalized) ? hasher.Hash(normalized) : null)
            .OfType<byte[]>()
            .ToList();
        _people = await db.People.AsNoTracking()
            .Where(p => p.ExternalId != null && externalIds.Contains(p.ExternalId))
            .ToDictionaryAsync(p => p.ExternalId!, p => p.Id, StringComparer.Ordinal, cancellationToken);
        _cards = await db.Cards.Where(c => hashes.Contains(c.NumberHash)).ToDictionaryAsync(c => Convert.ToHexString(c.NumberHash), StringComparer.Ordinal, cancellationToken);
    }

    public override (ImportOutcome Outcome, Guid EntityId) Apply(CsvRow row)
    {
        var externalId = Validate.Text(row["person_external_id"], "person_external_id", PersonRules.MaxExternalIdLength);
        var personId = _people.TryGetValue(externalId, out var id)
            ? id
            : throw ApiErrors.Invalid("person_external_id", $"no person has external_id \"{externalId}\" (import people first)");
        var number = CardRules.Number(hasher, row["number"], "number");
        var status = ImportValues.Status(row["status"], "status");
        var pin = CardRules.Pin(row["pin"], "pin");
        var key = Convert.ToHexString(number.Hash);
        _cards.TryGetValue(key, out var card);
        var (from, to) = ImportValues.Window(row, card?.ValidFrom, card?.ValidTo);
        EnsureFirst(_seenNumbers, key, "number", "same card number");
        _seenNumbers[key] = row.Line;

        if (card is null)
        {
            card = new Entities.Card
            {
                Id = AdminWrites.NewId(time),
                PersonId = personId,
                NumberHash = number.Hash,
                LastDigits = number.LastDigits,
                Status = status ?? Entities.CardStatus.Active,
                ValidFrom = from,
                ValidTo = to,
            };
            card.PinHash = pin is null ? null : pinHasher.HashPassword(card, pin);
            db.Cards.Add(card);
            _cards[key] = card;
            return (ImportOutcome.Created, card.Id);
        }

        // An unchanged PIN keeps its hash (re-hashing would salt it anew and count as a change).
        var pinChanged = pin is not null
            && (card.PinHash is null || pinHasher.VerifyHashedPassword(card, card.PinHash, pin) == PasswordVerificationResult.Failed);
        var changed = card.PersonId != personId || (status is { } s && s != card.Status) || card.ValidFrom != from || card.ValidTo != to || pinChanged;
        card.PersonId = personId;
        card.Status = status ?? card.Status;
        card.ValidFrom = from;
        card.ValidTo = to;
        if (pinChanged)
        {
            card.PinHash = pinHasher.HashPassword(card, pin!);
        }

        return (changed ? ImportOutcome.Updated : ImportOutcome.Unchanged, card.Id);
    }
}
