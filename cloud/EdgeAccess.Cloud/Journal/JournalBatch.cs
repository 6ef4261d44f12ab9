using System.Globalization;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// One uploaded batch checked and spread into the column arrays of the store's single INSERT
/// (PostgreSQL <c>unnest</c> of one array per column). Structural faults refuse the whole batch with
/// <see cref="JournalRejectedException"/>; a door decision whose payload cannot be read is kept,
/// with null door, card and result columns and its raw bytes, because refusing it would stall the
/// node's journal behind that one event forever (it would re-send the same batch on every stream).
/// </summary>
internal sealed class JournalBatch
{
    /// <summary>The most events one batch may carry (the edge sends up to 1,000).</summary>
    public const int MaxEvents = 10_000;

    /// <summary>The longest kind, in characters.</summary>
    public const int MaxKindLength = 64;

    /// <summary>The largest payload, in bytes (64 KiB).</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    private const string Field = "journal.events";

    private JournalBatch(int count)
    {
        Seqs = new long[count];
        OccurredAt = new DateTime[count];
        Kinds = new string[count];
        DoorIds = new Guid?[count];
        CardIds = new Guid?[count];
        Granted = new bool?[count];
        PersonIds = new Guid?[count];
        Reasons = new string?[count];
        Payloads = new byte[count][];
    }

    public long[] Seqs { get; }

    public DateTime[] OccurredAt { get; }

    public string[] Kinds { get; }

    public Guid?[] DoorIds { get; }

    public Guid?[] CardIds { get; }

    public bool?[] Granted { get; }

    /// <summary>The person a lab event names (its card's holder is looked up for door decisions instead).</summary>
    public Guid?[] PersonIds { get; }

    /// <summary>Whether any event is of a kind the hub reacts to (<see cref="JournalKinds.Reactive"/>).</summary>
    public bool HasReactions { get; private set; }

    public string?[] Reasons { get; }

    public byte[][] Payloads { get; }

    /// <summary>The index of the event with <paramref name="seq"/> (seqs ascend), or a negative number.</summary>
    public int IndexOf(long seq) => Array.BinarySearch(Seqs, seq);

    /// <summary>Door decisions kept without their columns because the payload was unreadable.</summary>
    public int Unreadable { get; private set; }

    /// <summary>The seq of the first of those (0: none).</summary>
    public long FirstUnreadableSeq { get; private set; }

    /// <summary>Per metric tag (<see cref="JournalKinds.Tag"/>): how many events arrived; the stored count is filled in later.</summary>
    public Dictionary<string, (int Received, int Stored)> ByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks <paramref name="events"/>: seq positive and strictly ascending (gaps are allowed: a node
    /// whose journal was replaced continues above what the hub holds), occur_time set and in the
    /// Timestamp range, kind 1 to 64 characters of <c>[a-z0-9._-]</c>, payload at most 64 KiB.
    /// </summary>
    public static JournalBatch Read(IReadOnlyList<JournalEvent> events)
    {
        if (events.Count > MaxEvents)
        {
            throw new JournalRejectedException(Field, string.Create(CultureInfo.InvariantCulture, $"at most {MaxEvents} events per batch"));
        }

        var batch = new JournalBatch(events.Count);
        long previous = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Seq <= previous)
            {
                throw Reject(i, "seq", e.Seq <= 0 ? "must be positive" : string.Create(CultureInfo.InvariantCulture, $"{e.Seq} does not follow {previous} (seqs must ascend within a batch)"));
            }

            previous = e.Seq;
            batch.Seqs[i] = e.Seq;
            batch.OccurredAt[i] = Time(e, i);
            batch.Kinds[i] = Kind(e.Kind, i);
            if (e.Payload.Length > MaxPayloadBytes)
            {
                throw Reject(i, "payload", string.Create(CultureInfo.InvariantCulture, $"is {e.Payload.Length} bytes; at most {MaxPayloadBytes}"));
            }

            var payload = e.Payload.ToByteArray();
            batch.Payloads[i] = payload;
            if (e.Kind == JournalKinds.DoorDecision)
            {
                batch.SpreadDecision(i, payload);
            }
            else
            {
                batch.PersonIds[i] = JournalKinds.LabPerson(e.Kind, payload);
            }

            batch.HasReactions |= JournalKinds.Reactive.Contains(e.Kind);

            var tag = JournalKinds.Tag(e.Kind);
            batch.ByKind[tag] = (batch.ByKind.GetValueOrDefault(tag).Received + 1, 0);
        }

        return batch;
    }

    private void SpreadDecision(int i, byte[] payload)
    {
        if (JournalKinds.ReadDecision(payload) is not { } decision)
        {
            if (Unreadable++ == 0)
            {
                FirstUnreadableSeq = Seqs[i];
            }

            return;
        }

        // Ids that are not UUIDs (a node bug or an unknown card's empty id) are simply absent.
        DoorIds[i] = JournalKinds.Id(decision.DoorId);
        CardIds[i] = JournalKinds.Id(decision.CardId);
        Granted[i] = decision.Granted;
        Reasons[i] = JournalKinds.ReasonName(decision.Reason);
    }

    private static DateTime Time(JournalEvent e, int i)
    {
        var t = e.OccurTime ?? throw Reject(i, "occur_time", "is required");

        // Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
        if (t.Seconds < -62_135_596_800 || t.Seconds > 253_402_300_799 || t.Nanos is < 0 or > 999_999_999)
        {
            throw Reject(i, "occur_time", "is not a valid timestamp");
        }

        // timestamptz keeps microseconds: truncate here so the stored value is exactly what a page token carries.
        var value = t.ToDateTime();
        return value.AddTicks(-(value.Ticks % 10));
    }

    private static string Kind(string kind, int i)
    {
        if (kind.Length is 0 or > MaxKindLength)
        {
            throw Reject(i, "kind", kind.Length == 0 ? "is required" : string.Create(CultureInfo.InvariantCulture, $"must be at most {MaxKindLength} characters"));
        }

        foreach (var c in kind)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                throw Reject(i, "kind", "must consist of lowercase letters, digits, '.', '_' or '-'");
            }
        }

        return kind;
    }

    private static JournalRejectedException Reject(int index, string field, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{Field}[{index}].{field}"), problem);
}
