using System.Text.Json;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking;

/// <summary>Stored booking entities to and from their protobuf messages.</summary>
internal static class BookingMapping
{
    public static BookableResource ToProto(this Stored.BookingResource r, string timeZone)
    {
        var message = new BookableResource
        {
            Id = r.Id.ToString(),
            SiteId = r.SiteId.ToString(),
            Kind = (ResourceKind)(int)r.Kind,
            Name = r.Name,
            Description = r.Description,
            Capacity = r.Capacity,
            NodeId = r.NodeId ?? "",
            Active = r.Active,
            TimeZone = timeZone,
            Etag = Validate.ToEtag(r.Version),
            CreateTime = AdminFields.ToTimestamp(r.CreatedAt),
            UpdateTime = AdminFields.ToTimestamp(r.UpdatedAt),
        };
        message.DoorIds.AddRange(r.Doors.Select(d => d.DoorId).Order().Select(d => d.ToString()));
        message.ControlPrograms.AddRange(JsonSerializer.Deserialize<List<string>>(r.ControlPrograms) ?? []);
        message.LabPolicy = new LabPolicy
        {
            Mode = (LabPolicyMode)(int)r.LabMode,
            WarningLeadSeconds = r.LabWarningSeconds,
            GraceSeconds = r.LabGraceSeconds,
            CheckIntervalSeconds = r.LabIntervalSeconds,
            OsGroup = r.LabOsGroup,
        };
        message.LabPolicy.ExemptAccounts.AddRange(r.LabExemptAccounts);
        if (r.MaintenanceSince is { } since)
        {
            message.Maintenance = new ResourceMaintenance
            {
                NodeId = r.MaintenanceNode ?? "",
                Since = AdminFields.ToTimestamp(since),
                Reason = r.MaintenanceReason ?? "",
            };
        }

        return message;
    }

    public static ResourceRules ToProto(this Stored.BookingRules r)
    {
        var message = new ResourceRules
        {
            ResourceId = r.ResourceId.ToString(),
            SlotMinutes = r.SlotMinutes,
            MinDurationMinutes = r.MinDurationMinutes,
            MaxDurationMinutes = r.MaxDurationMinutes,
            MinNoticeMinutes = r.MinNoticeMinutes,
            MaxNoticeMinutes = r.MaxNoticeMinutes,
            BufferMinutes = r.BufferMinutes,
            MaxActive = r.MaxActive,
            QuotaMinutes = r.QuotaMinutes,
            QuotaPeriod = (QuotaPeriod)(int)r.QuotaPeriod,
            ApprovalRequired = r.ApprovalRequired,
            CancelCutoffMinutes = r.CancelCutoffMinutes,
            EarlyEntryMinutes = r.EarlyEntryMinutes,
            GraceMinutes = r.GraceMinutes,
            CheckInWindowMinutes = r.CheckInWindowMinutes,
            NoShowRelease = r.NoShowRelease,
            Etag = Validate.ToEtag(r.Version),
            UpdateTime = AdminFields.ToTimestamp(r.UpdatedAt),
        };
        message.AllowedGroupIds.AddRange(r.Groups.Select(g => g.GroupId).Order().Select(g => g.ToString()));
        return message;
    }

    public static Blackout ToProto(this Stored.BookingBlackout b) => new()
    {
        Id = b.Id.ToString(),
        ResourceId = b.ResourceId.ToString(),
        StartTime = AdminFields.ToTimestamp(b.StartsAt),
        EndTime = AdminFields.ToTimestamp(b.EndsAt),
        Reason = b.Reason,
        Etag = Validate.ToEtag(b.Version),
    };

    public static Protos.V1.Booking ToProto(this Stored.Booking b) => new()
    {
        Id = b.Id.ToString(),
        ResourceId = b.ResourceId.ToString(),
        PersonId = b.PersonId.ToString(),
        StartTime = AdminFields.ToTimestamp(b.StartsAt),
        EndTime = AdminFields.ToTimestamp(b.EndsAt),
        Status = (BookingStatus)(int)b.Status,
        Note = b.Note,
        SeriesId = b.SeriesId?.ToString() ?? "",
        GroupId = b.GroupId?.ToString() ?? "",
        RulesOverride = b.RulesOverride,
        CheckInTime = AdminFields.ToTimestamp(b.CheckedInAt),
        DecisionReason = b.DecisionReason ?? "",
        Etag = Validate.ToEtag(b.Version),
        CreateTime = AdminFields.ToTimestamp(b.CreatedAt),
        UpdateTime = AdminFields.ToTimestamp(b.UpdatedAt),
    };

    public static TimeSlot ToProto(this Span span) => new()
    {
        StartTime = AdminFields.ToTimestamp(span.Start),
        EndTime = AdminFields.ToTimestamp(span.End),
    };
}
