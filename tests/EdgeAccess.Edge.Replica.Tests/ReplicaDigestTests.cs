using EdgeAccess.Edge.Replica.Tests.Infrastructure;
using EdgeAccess.Protos.Replication;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace EdgeAccess.Edge.Replica.Tests;

public sealed class ReplicaDigestTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(Feed.Start);
    private readonly CancellationTokenSource _cancellation = new(TimeSpan.FromMinutes(1));

    private CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _cancellation.Dispose();
        _dir.Dispose();
    }

    private static ReplicaRecord[] SampleRecords() =>
    [
        Feed.CardRecordOf("c1", "1111"),
        Feed.CardRecordOf("c2", "2222"),
        Feed.DoorRecordOf("d1"),
        ReplicaRecord.FromChange(Feed.Right(1, "c1", "d1")),
        new(RecordKind.Site, "s1", "", new SiteRecord { Id = "s1", Name = "HQ", TimeZone = "Europe/Berlin" }.ToByteArray()),
    ];

    private static StateDigest DigestOf(IEnumerable<ReplicaRecord> records)
    {
        var digest = new StateDigest();
        foreach (var record in records)
        {
            digest.Add(record.Kind, record.EntityId, record.DoorId, record.Payload);
        }

        return digest;
    }

    [Fact]
    public void Add_AnyOrder_SameDigest()
    {
        var records = SampleRecords();

        var forward = DigestOf(records);
        var backward = DigestOf(records.Reverse());
        var shuffled = DigestOf(records.OrderBy(_ => Random.Shared.Next()));

        Assert.Equal(5, forward.Count);
        Assert.Equal(StateDigest.Size, forward.ToBytes().Length);
        Assert.Equal(forward.ToBytes(), backward.ToBytes());
        Assert.Equal(forward.ToBytes(), shuffled.ToBytes());
        Assert.NotEqual(new StateDigest().ToBytes(), forward.ToBytes());
    }

    [Fact]
    public void Remove_AfterAdd_ReturnsToTheDigestWithout()
    {
        var records = SampleRecords();
        var all = DigestOf(records);

        all.Remove(records[2].Kind, records[2].EntityId, records[2].DoorId, records[2].Payload);

        var without = DigestOf(records.Where((_, i) => i != 2));
        Assert.True(all.Matches(without.Count, without.ToBytes()));
        foreach (var record in records.Where((_, i) => i != 2))
        {
            all.Remove(record.Kind, record.EntityId, record.DoorId, record.Payload);
        }

        Assert.Equal(0, all.Count);
        Assert.Equal(new byte[StateDigest.Size], all.ToBytes());
    }

    [Fact]
    public void FromBytes_RestoredDigest_ContinuesIncrementally()
    {
        var records = SampleRecords();
        var head = DigestOf(records.Take(3));

        var restored = StateDigest.FromBytes(head.Count, head.ToBytes());
        foreach (var record in records.Skip(3))
        {
            restored.Add(record.Kind, record.EntityId, record.DoorId, record.Payload);
        }

        Assert.True(restored.Matches(5, DigestOf(records).ToBytes()));
        Assert.Throws<ArgumentException>(() => StateDigest.FromBytes(1, new byte[31]));
    }

    [Fact]
    public void Add_FieldBoundariesShifted_DifferentDigest()
    {
        byte[] payload = [1, 2, 3];
        var digests = new[]
        {
            One(RecordKind.Right, "ab", "c", payload),
            One(RecordKind.Right, "a", "bc", payload),
            One(RecordKind.Right, "a", "b", [(byte)'c', 1, 2, 3]),
            One(RecordKind.Card, "ab", "c", payload),
        };

        Assert.Equal(digests.Length, digests.Select(Convert.ToHexString).Distinct().Count());

        static byte[] One(RecordKind kind, string entity, string door, byte[] payload)
        {
            var digest = new StateDigest();
            digest.Add(kind, entity, door, payload);
            return digest.ToBytes();
        }
    }

    [Fact]
    public void Canonicalize_SerializerOutput_Unchanged_ReorderedFields_Normalized()
    {
        var card = new CardRecord { Id = "c1", LastDigits = "1234", Status = CardStatus.Blocked, PinHash = "x" };
        var canonical = card.ToByteArray();
        // The same fields written in reverse field-number order: a different byte string, the same message.
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(CardRecord.PinHashFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteString("x");
        output.WriteTag(CardRecord.StatusFieldNumber, WireFormat.WireType.Varint);
        output.WriteEnum((int)CardStatus.Blocked);
        output.WriteTag(CardRecord.LastDigitsFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteString("1234");
        output.WriteTag(CardRecord.IdFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteString("c1");
        output.Flush();
        var reordered = stream.ToArray();

        Assert.NotEqual(canonical, reordered);
        Assert.Equal(canonical, StateDigest.Canonicalize(RecordKind.Card, canonical));
        Assert.Equal(canonical, StateDigest.Canonicalize(RecordKind.Card, reordered));
    }

    [Fact]
    public async Task ComputeDigest_EmptyReplica_ZeroRecordsAtPositionZero()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);

        var (position, count, digest) = await store.ComputeDigestAsync(Token).WithTimeout();

        Assert.Equal((0L, 0L), (position, count));
        Assert.Equal(new byte[StateDigest.Size], digest);
    }

    [Fact]
    public async Task ComputeDigest_AfterSnapshot_EqualsDigestOfTheSnapshotRecords()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        var records = SampleRecords();
        await store.ApplySnapshotAsync(Feed.Chunks(records[..2], records[2..]), 10, "site-a", Token).WithTimeout();

        var (position, count, digest) = await store.ComputeDigestAsync(Token).WithTimeout();

        Assert.Equal(10, position);
        Assert.True(DigestOf(records).Matches(count, digest));
    }

    [Fact]
    public async Task ComputeDigest_AfterUpsertsAndDeletes_EqualsDigestOfTheResultingSet()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        var records = SampleRecords();
        await store.ApplySnapshotAsync(Feed.Chunks(records), 10, "site-a", Token).WithTimeout();
        var expected = DigestOf(records);

        FeedChange[] changes =
        [
            Feed.Card(11, "c1", "9999"),                   // update
            Feed.Delete(12, RecordKind.Door, "d1"),        // delete
            Feed.Right(13, "c2", "d1"),                    // insert
            Feed.Delete(14, RecordKind.Right, "c1", "d1"), // delete a right (door id in the key)
        ];
        await store.ApplyChangesAsync(changes, Token).WithTimeout();
        // The same edits, incrementally: remove what was replaced or deleted, add what is new.
        expected.Remove(RecordKind.Card, "c1", "", records[0].Payload);
        expected.Add(RecordKind.Card, "c1", "", ReplicaRecord.FromChange(changes[0]).Payload);
        expected.Remove(RecordKind.Door, "d1", "", records[2].Payload);
        expected.Add(RecordKind.Right, "c2", "d1", ReplicaRecord.FromChange(changes[2]).Payload);
        expected.Remove(RecordKind.Right, "c1", "d1", records[3].Payload);

        var (position, count, digest) = await store.ComputeDigestAsync(Token).WithTimeout();

        Assert.Equal(14, position);
        Assert.Equal(4, count);
        Assert.True(expected.Matches(count, digest));
        Assert.True(DigestOf(await Feed.ReadAllAsync(store, Token).WithTimeout()).Matches(count, digest));
    }

    [Theory]
    [InlineData("UPDATE records SET payload = CAST(payload || x'00' AS BLOB) WHERE kind = 3 AND entity_id = 'c1'", 5)]
    [InlineData("UPDATE records SET payload = CAST(replace(payload, CAST('1111' AS BLOB), CAST('1112' AS BLOB)) AS BLOB) WHERE kind = 3 AND entity_id = 'c1'", 5)]
    [InlineData("UPDATE records SET door_id = 'd9' WHERE kind = 5", 5)]
    [InlineData("INSERT INTO records (kind, entity_id, door_id, payload, position) VALUES (5, 'c2', 'd1', x'', 10)", 6)]
    [InlineData("DELETE FROM records WHERE kind = 2", 4)]
    public async Task ComputeDigest_FileEditedThroughAnotherConnection_Differs(string tamper, long expectedCount)
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        await store.ApplySnapshotAsync(Feed.Chunks(SampleRecords()), 10, "site-a", Token).WithTimeout();
        var before = await store.ComputeDigestAsync(Token).WithTimeout();

        using (var other = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.FilePath, Pooling = false }.ToString()))
        {
            other.Open();
            using var command = other.CreateCommand();
            command.CommandText = tamper;
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var after = await store.ComputeDigestAsync(Token).WithTimeout();

        Assert.Equal(before.Position, after.Position);
        Assert.Equal(expectedCount, after.Count);
        Assert.False(StateDigest.AreEqual(before.Digest, after.Digest));
    }
}
