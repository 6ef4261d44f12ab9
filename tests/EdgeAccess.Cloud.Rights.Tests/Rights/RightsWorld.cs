using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Schedules;
using NodaTime;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>Builds model entities for compiler tests and saves them through <see cref="HubChanges"/>.</summary>
internal sealed class RightsWorld(HubServices services)
{
    public static readonly ChangeActor Tester = new(null, "tester");

    public async Task SaveAsync(Action<HubDbContext> edit)
    {
        await using var db = services.NewContext();
        edit(db);
        await services.Changes.SaveAsync(db, Tester, CancellationToken.None);
    }

    public async Task<T> AddAsync<T>(T entity)
        where T : class
    {
        await SaveAsync(db => db.Add(entity));
        return entity;
    }

    public Task<Site> SiteAsync(string name, string zone = "Europe/Berlin") =>
        AddAsync(new Site { Id = Guid.CreateVersion7(), Name = name, TimeZone = zone });

    public Task<Door> DoorAsync(Site site, string name, bool pin = false) =>
        AddAsync(new Door { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = name, RequiresPin = pin });

    public Task<Schedule> ScheduleAsync(Site site, string name, int startMinute = 0, int endMinute = 1440) =>
        AddAsync(new Schedule
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Name = name,
            Definition = ScheduleJson.ToJson(
                Enumerable.Range(1, 7).Select(d => new WeeklyInterval((IsoDayOfWeek)d, startMinute, endMinute)), [], []),
        });

    public Task<Person> PersonAsync(string name) => AddAsync(new Person { Id = Guid.CreateVersion7(), DisplayName = name });

    public Task<Card> CardAsync(Person person, CardStatus status = CardStatus.Active, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        AddAsync(new Card
        {
            Id = Guid.CreateVersion7(),
            PersonId = person.Id,
            NumberHash = Guid.NewGuid().ToByteArray(),
            LastDigits = "0000",
            Status = status,
            ValidFrom = from,
            ValidTo = to,
        });

    public Task<Group> GroupAsync(string name, bool active = true) => AddAsync(new Group { Id = Guid.CreateVersion7(), Name = name, Active = active });

    public Task<GroupNesting> NestAsync(Group child, Group parent) => AddAsync(new GroupNesting { ParentId = parent.Id, ChildId = child.Id });

    public Task<Membership> MemberAsync(Person person, Group group, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        AddAsync(new Membership { Id = Guid.CreateVersion7(), PersonId = person.Id, GroupId = group.Id, ValidFrom = from, ValidTo = to });

    public async Task<AccessScheme> SchemeAsync(Site site, Group group, Schedule schedule, bool pin = false, DateTimeOffset? from = null, DateTimeOffset? to = null, params Door[] doors)
    {
        var scheme = new AccessScheme
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            GroupId = group.Id,
            ScheduleId = schedule.Id,
            Name = "scheme-" + Guid.NewGuid().ToString("N")[..8],
            RequiresPin = pin,
            ValidFrom = from,
            ValidTo = to,
        };
        scheme.Doors.AddRange(doors.Select(d => new AccessSchemeDoor { SchemeId = scheme.Id, DoorId = d.Id }));
        return await AddAsync(scheme);
    }

    /// <summary>A bookable resource of <paramref name="site"/> opening <paramref name="doors"/>, with its rules record.</summary>
    public async Task<BookingResource> ResourceAsync(Site site, string name, int earlyEntry = 0, int grace = 0, params Door[] doors)
    {
        var resource = new BookingResource { Id = Guid.CreateVersion7(), SiteId = site.Id, Kind = BookingResourceKind.LabInstallation, Name = name };
        resource.Doors.AddRange(doors.Select(d => new BookingResourceDoor { ResourceId = resource.Id, DoorId = d.Id }));
        await SaveAsync(db =>
        {
            db.Add(resource);
            db.Add(new BookingRules { ResourceId = resource.Id, EarlyEntryMinutes = earlyEntry, GraceMinutes = grace });
        });
        return resource;
    }

    /// <summary>A booking of <paramref name="resource"/> by <paramref name="person"/> for [start, end).</summary>
    public Task<Booking> BookingAsync(BookingResource resource, Person person, DateTimeOffset start, DateTimeOffset end, BookingStatus status = BookingStatus.Confirmed) =>
        AddAsync(new Booking
        {
            Id = Guid.CreateVersion7(),
            ResourceId = resource.Id,
            PersonId = person.Id,
            StartsAt = start,
            EndsAt = end,
            OccupiedUntil = end,
            Status = status,
        });

    /// <summary>An enrolled edge node of <paramref name="site"/>.</summary>
    public Task<Node> NodeAsync(Site site, string id) =>
        AddAsync(new Node { Id = id, SiteId = site.Id, Status = NodeStatus.Active });

    /// <summary>An OS account of <paramref name="node"/>, linked to <paramref name="person"/> when given.</summary>
    public Task<NodeAccount> AccountAsync(Node node, long uid, string name, Person? person = null) =>
        AddAsync(new NodeAccount { Id = Guid.CreateVersion7(), NodeId = node.Id, Uid = uid, Name = name, PersonId = person?.Id, ReportedAt = TestClock.Start });

    /// <summary>The stored replicated records of <paramref name="kind"/> on <paramref name="site"/>, by entity id.</summary>
    public async Task<Dictionary<Guid, byte[]>> RecordsAsync(Site site, RecordKind kind)
    {
        var records = new Dictionary<Guid, byte[]>();
        await using var command = services.DataSource.CreateCommand("SELECT entity_id, payload FROM replica_records WHERE site_id = $1 AND kind = $2");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = site.Id });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (short)kind });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return records;
    }

    /// <summary>
    /// Runs the booking pruner's passes at the hub clock's now, looking back to
    /// <paramref name="since"/>, in batches of <paramref name="batchSize"/>; returns how many
    /// bookings were recompiled.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset since, int batchSize = 500)
    {
        var (pruned, now) = (0, services.Clock.GetUtcNow());
        PruneCursor? cursor = null;
        while (true)
        {
            await using var db = services.NewContext();
            var batch = await services.Compiler.PruneEndedBookingsAsync(db, since, now, cursor, batchSize, CancellationToken.None);
            pruned += batch.Pruned;
            if (batch.Examined < batchSize)
            {
                return pruned;
            }

            cursor = batch.Next;
        }
    }

    /// <summary>Loads the tracked entity <typeparamref name="T"/> with key <paramref name="key"/>, edits it and saves.</summary>
    public async Task EditAsync<T>(object key, Action<T> edit)
        where T : class
    {
        await using var db = services.NewContext();
        edit(await db.FindAsync<T>(key) ?? throw new InvalidOperationException($"{typeof(T).Name} {key} not found"));
        await services.Changes.SaveAsync(db, Tester, CancellationToken.None);
    }

    /// <summary>The stored right of a card on a door (null when none).</summary>
    public async Task<Protos.V1.RightRecord?> RightAsync(Card card, Door door)
    {
        await using var command = services.DataSource.CreateCommand("SELECT terms FROM effective_rights WHERE card_id = $1 AND door_id = $2");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = card.Id });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = door.Id });
        return await command.ExecuteScalarAsync() is byte[] bytes ? Protos.V1.RightRecord.Parser.ParseFrom(bytes) : null;
    }
}
