using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Protos.V1;
using EdgeAccess.Schedules;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Domain = EdgeAccess.Cloud.Rights.Explain;

namespace EdgeAccess.Cloud.Admin.Access;

/// <summary>Explain-access and who-can-open results as <c>edgeaccess.v1</c> messages (enums share their numbers).</summary>
internal static class AccessQueryMapping
{
    public static ExplainAccessResponse ToMessage(this AccessExplanation explanation)
    {
        var response = new ExplainAccessResponse
        {
            Granted = explanation.Granted,
            Reason = (Protos.V1.AccessReason)(int)explanation.Reason,
            PinRequired = explanation.PinRequired,
            Summary = explanation.Summary,
            At = ToTimestamp(explanation.At),
            LocalTime = ExplainText.Local(explanation.LocalTime),
            Door = explanation.Door.ToMessage(),
        };
        if (explanation.Card is { } card)
        {
            response.Card = new AccessCardFacts
            {
                Id = card.Id.ToString(),
                LastDigits = card.LastDigits,
                Status = (CardStatus)(int)card.Status,
                Validity = card.Validity.ToMessage(),
                PinSet = card.PinSet,
            };
        }

        if (explanation.Person is { } person)
        {
            response.Person = new AccessPersonFacts { Id = person.Id.ToString(), DisplayName = person.DisplayName, Active = person.Active };
        }

        response.Paths.AddRange(explanation.Paths.Select(ToMessage));
        return response;
    }

    public static Protos.V1.WhoCanOpenEntry ToMessage(this Domain.WhoCanOpenEntry entry)
    {
        var message = new Protos.V1.WhoCanOpenEntry
        {
            CardId = entry.CardId.ToString(),
            CardLastDigits = entry.CardLastDigits,
            PersonId = entry.PersonId.ToString(),
            PersonDisplayName = entry.PersonDisplayName,
            PinRequired = entry.PinRequired,
            PinSet = entry.PinSet,
        };
        message.Terms.AddRange(entry.Terms.Select(t => new Protos.V1.WhoCanOpenTerm
        {
            ScheduleId = t.ScheduleId == Guid.Empty ? "" : t.ScheduleId.ToString(),
            ScheduleName = t.ScheduleName,
            Validity = t.Validity.ToMessage(),
            RequiresPin = t.RequiresPin,
            Schedule = t.Verdict.ToMessage(),
        }));
        return message;
    }

    public static AccessDoorFacts ToMessage(this DoorFacts door) => new()
    {
        Id = door.Id.ToString(),
        Name = door.Name,
        SiteId = door.SiteId.ToString(),
        SiteName = door.SiteName,
        TimeZone = door.Zone.Id,
        RequiresPin = door.RequiresPin,
    };

    public static Timestamp ToTimestamp(Instant instant) => Timestamp.FromDateTimeOffset(instant.ToDateTimeOffset());

    private static Protos.V1.AccessPath ToMessage(Domain.AccessPath path)
    {
        var message = new Protos.V1.AccessPath
        {
            Kind = (Protos.V1.AccessPathKind)(int)path.Kind,
            Status = (Protos.V1.AccessPathStatus)(int)path.Status,
            Why = path.Why,
            Compiled = path.Compiled,
            ValidAtTime = path.ValidAtTime,
            Admits = path.Admits,
            RoleTitle = path.RoleTitle,
            MembershipValidity = path.MembershipValidity?.ToMessage(),
            SchemeId = path.SchemeId?.ToString() ?? "",
            SchemeName = path.SchemeName,
            SchemeValidity = path.SchemeValidity?.ToMessage(),
            GrantId = path.GrantId?.ToString() ?? "",
            GrantReason = path.GrantReason,
            GrantValidity = path.GrantValidity?.ToMessage(),
            EffectiveValidity = path.EffectiveValidity.ToMessage(),
            ScheduleId = path.ScheduleId == Guid.Empty ? "" : path.ScheduleId.ToString(),
            ScheduleName = path.ScheduleName,
            Schedule = path.Schedule?.ToMessage(),
            RequiresPin = path.RequiresPin,
            BookingId = path.BookingId?.ToString() ?? "",
            ResourceName = path.ResourceName,
            BookingValidity = path.BookingValidity?.ToMessage(),
        };
        message.Groups.AddRange(path.Groups.Select(g => new AccessPathGroup { Id = g.Id.ToString(), Name = g.Name, Active = g.Active }));
        return message;
    }

    private static AccessWindow ToMessage(this ValidityWindow window) => new()
    {
        ValidFrom = window.From is { } from ? ToTimestamp(from) : null,
        ValidTo = window.To is { } to ? ToTimestamp(to) : null,
        Empty = window.IsEmpty,
    };

    private static ScheduleEvaluation ToMessage(this ScheduleVerdict verdict) => new()
    {
        Allowed = verdict.Allowed,
        Reason = (ScheduleEvaluationReason)((int)verdict.Reason + 1),
        Date = NodaTime.Text.LocalDatePattern.Iso.Format(verdict.Date),
        StartMinute = verdict.StartMinute,
        EndMinute = verdict.EndMinute,
        DayName = verdict.DayName ?? "",
        Text = verdict.ToString(),
    };
}
