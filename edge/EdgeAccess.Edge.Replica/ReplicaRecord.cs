using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Edge.Replica;

/// <summary>
/// One replicated record: its key (kind, entity id, door id — empty except for rights) and the
/// serialized record message (<see cref="SiteRecord"/>, <see cref="DoorRecord"/>,
/// <see cref="CardRecord"/>, <see cref="ScheduleRecord"/> or <see cref="RightRecord"/>).
/// </summary>
/// <param name="Kind">The record kind.</param>
/// <param name="EntityId">The entity id (for a right: the card id).</param>
/// <param name="DoorId">For a right: the door id; otherwise empty.</param>
/// <param name="Payload">The serialized record message.</param>
/// <param name="Position">The feed position that last wrote the record.</param>
public sealed record ReplicaRecord(RecordKind Kind, string EntityId, string DoorId, byte[] Payload, long Position = 0)
{
    /// <summary>Parses <see cref="Payload"/> into the message of <see cref="Kind"/>.</summary>
    public IMessage Parse() => Kind switch
    {
        RecordKind.Site => SiteRecord.Parser.ParseFrom(Payload),
        RecordKind.Door => DoorRecord.Parser.ParseFrom(Payload),
        RecordKind.Card => CardRecord.Parser.ParseFrom(Payload),
        RecordKind.Schedule => ScheduleRecord.Parser.ParseFrom(Payload),
        RecordKind.Right => RightRecord.Parser.ParseFrom(Payload),
        RecordKind.Resource => ResourceRecord.Parser.ParseFrom(Payload),
        RecordKind.Booking => BookingRecord.Parser.ParseFrom(Payload),
        RecordKind.NodeAccount => NodeAccountRecord.Parser.ParseFrom(Payload),
        _ => throw new InvalidDataException($"Unknown record kind {Kind}."),
    };

    /// <summary>The record carried by a (non-deleting) feed change.</summary>
    public static ReplicaRecord FromChange(FeedChange change)
    {
        IMessage record = change.RecordCase switch
        {
            FeedChange.RecordOneofCase.Site => change.Site,
            FeedChange.RecordOneofCase.Door => change.Door,
            FeedChange.RecordOneofCase.Card => change.Card,
            FeedChange.RecordOneofCase.Schedule => change.Schedule,
            FeedChange.RecordOneofCase.Right => change.Right,
            FeedChange.RecordOneofCase.Resource => change.Resource,
            FeedChange.RecordOneofCase.Booking => change.Booking,
            FeedChange.RecordOneofCase.NodeAccount => change.NodeAccount,
            _ => throw new InvalidDataException($"Feed change at position {change.Position} is not a delete but carries no record."),
        };
        return new ReplicaRecord(change.Kind, change.EntityId, KeyDoor(change.Kind, change.DoorId), record.ToByteArray(), change.Position);
    }

    /// <summary>The door part of the key: the door id for rights, empty for everything else.</summary>
    internal static string KeyDoor(RecordKind kind, string doorId) => kind == RecordKind.Right ? doorId : "";
}
