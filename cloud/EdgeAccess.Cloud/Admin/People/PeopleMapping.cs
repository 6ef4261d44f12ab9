using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>Entity to message mapping of people and cards. Card hashes never leave the hub.</summary>
internal static class PeopleMapping
{
    /// <summary>The API view of a person.</summary>
    public static Person ToMessage(this Entities.Person person) => new()
    {
        Id = person.Id.ToString(),
        DisplayName = person.DisplayName,
        Email = person.Email ?? "",
        ExternalId = person.ExternalId ?? "",
        Active = person.Active,
        Etag = Validate.ToEtag(person.Version),
        CreateTime = person.CreatedAt.ToStoredTimestamp(),
        UpdateTime = person.UpdatedAt.ToStoredTimestamp(),
    };

    /// <summary>The API view of a card: last digits and whether a PIN is set, never a hash.</summary>
    public static Card ToMessage(this Entities.Card card) => new()
    {
        Id = card.Id.ToString(),
        PersonId = card.PersonId.ToString(),
        LastDigits = card.LastDigits,
        Status = (CardStatus)card.Status,
        ValidFrom = card.ValidFrom.ToStoredTimestamp(),
        ValidTo = card.ValidTo.ToStoredTimestamp(),
        HasPin = card.PinHash is not null,
        AllowWhenDegraded = card.AllowWhenDegraded,
        Etag = Validate.ToEtag(card.Version),
        CreateTime = card.CreatedAt.ToStoredTimestamp(),
        UpdateTime = card.UpdatedAt.ToStoredTimestamp(),
    };

    /// <summary>
    /// A stored time as a timestamp. PostgreSQL keeps microseconds (Npgsql truncates the rest), so
    /// the answer to a write is cut the same way and equals what a later read returns.
    /// </summary>
    public static Timestamp ToStoredTimestamp(this DateTimeOffset value) =>
        Timestamp.FromDateTimeOffset(value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond)));

    /// <summary>An optional stored time as a timestamp (null when absent), cut to microseconds.</summary>
    public static Timestamp? ToStoredTimestamp(this DateTimeOffset? value) => value?.ToStoredTimestamp();

    /// <summary>The entity status of an API status; INVALID_ARGUMENT naming the field for unknown values.</summary>
    public static Entities.CardStatus ToEntity(this CardStatus status, string field) =>
        System.Enum.IsDefined(status) ? (Entities.CardStatus)status : throw ApiErrors.Invalid(field, "is not a card status (active, blocked, lost)");
}
