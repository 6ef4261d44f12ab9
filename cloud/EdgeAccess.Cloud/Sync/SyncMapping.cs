using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Sync;

/// <summary>Feed entries and snapshot records as <see cref="FeedChange"/> messages.</summary>
internal static class SyncMapping
{
    /// <summary>A feed entry; its payload is the stored record's bytes (replica.proto).</summary>
    public static FeedChange FromEntry(Stored.FeedEntry entry)
    {
        var change = Create(entry.Position, entry.Kind, entry.EntityId, entry.DoorId, entry.Deleted ? null : entry.Payload);
        change.CommittedAt = Timestamp.FromDateTimeOffset(entry.CommittedAt);
        return change;
    }

    /// <summary>A snapshot record, carrying the snapshot's position.</summary>
    public static FeedChange FromSnapshot(SnapshotRecord record, long position) =>
        Create(position, record.Kind, record.EntityId, record.DoorId, record.Payload);

    private static FeedChange Create(long position, Stored.RecordKind kind, Guid entityId, Guid? doorId, byte[]? payload)
    {
        var change = new FeedChange
        {
            Position = position,
            Kind = (RecordKind)(int)kind,
            EntityId = entityId.ToString(),
            DoorId = doorId?.ToString() ?? "",
            Deleted = payload is null,
        };
        if (payload is null)
        {
            return change;
        }

        switch (kind)
        {
            case Stored.RecordKind.Site:
                change.Site = SiteRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.Door:
                change.Door = DoorRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.Card:
                change.Card = CardRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.Schedule:
                change.Schedule = ScheduleRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.Right:
                change.Right = RightRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.Resource:
                change.Resource = ResourceRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.Booking:
                change.Booking = BookingRecord.Parser.ParseFrom(payload);
                break;
            case Stored.RecordKind.NodeAccount:
                change.NodeAccount = NodeAccountRecord.Parser.ParseFrom(payload);
                break;
            default:
                throw new InvalidOperationException($"unknown record kind {kind} at position {position}");
        }

        return change;
    }
}
