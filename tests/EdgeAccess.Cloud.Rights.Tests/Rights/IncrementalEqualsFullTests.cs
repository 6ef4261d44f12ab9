using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>
/// Hundreds of random admin edits through the incremental path; after each batch a full compile
/// must find nothing to change, and replaying each site's feed from position 0 must rebuild
/// exactly the stored replicated state. Booking edits (create, approve, cancel, move, hand over,
/// resource doors, early-entry and grace minutes) are part of the mix, and so are the lab-process
/// records: resources gaining and losing their node, their lab policy, node accounts linked,
/// unlinked, renamed and deleted, and people deleted. The hub clock moves through the bookings'
/// range, and each check first prunes (as the hub's booking pruner does): incremental == full at
/// every clock.
/// </summary>
public sealed class IncrementalEqualsFullTests : IAsyncLifetime
{
    private readonly HubServices _services = new();
    private RightsWorld _world = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public Task DisposeAsync() => _services.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomEdits_IncrementalCompile_EqualsFullCompile(int seed)
    {
        var random = new Random(seed);
        var t0 = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var sites = new List<Site> { await _world.SiteAsync($"s{seed}-a"), await _world.SiteAsync($"s{seed}-b", "America/New_York") };
        var doors = new List<Door>();
        var schedules = new List<Schedule>();
        foreach (var site in sites)
        {
            for (var i = 0; i < 5; i++)
            {
                doors.Add(await _world.DoorAsync(site, $"d{i}", pin: i == 0));
            }

            schedules.Add(await _world.ScheduleAsync(site, "always"));
            schedules.Add(await _world.ScheduleAsync(site, "office", 480, 1080));
        }

        var groups = new List<Group>();
        for (var i = 0; i < 10; i++)
        {
            groups.Add(await _world.GroupAsync($"s{seed}-g{i}"));
        }

        var people = new List<Person>();
        for (var i = 0; i < 20; i++)
        {
            var person = await _world.PersonAsync($"p{i}");
            people.Add(person);
            await _world.CardAsync(person);
        }

        // One lab server per site, with OS accounts (some linked), and people who are only account
        // holders (no card, no booking), so they can be deleted.
        var nodes = new Dictionary<Guid, Node>();
        var extraPeople = new List<Person>();
        foreach (var site in sites)
        {
            nodes[site.Id] = await _world.NodeAsync(site, $"lab-{seed}-{nodes.Count}");
            for (var uid = 1000; uid < 1004; uid++)
            {
                await _world.AccountAsync(nodes[site.Id], uid, $"u{uid}", uid % 2 == 0 ? Pick(people) : null);
            }
        }

        var resources = new List<BookingResource>();
        foreach (var site in sites)
        {
            for (var i = 0; i < 2; i++)
            {
                var siteDoors = doors.Where(d => d.SiteId == site.Id).ToList();
                var resource = await _world.ResourceAsync(site, $"r{i}", random.Next(3) * 15, random.Next(3) * 10, siteDoors[random.Next(siteDoors.Count)]);
                await _world.EditAsync<BookingResource>(resource.Id, r => (r.NodeId, r.ControlPrograms) = (nodes[site.Id].Id, "[\"/opt/scope/bin/*\"]"));

                resources.Add(resource);
            }
        }

        BookingStatus[] statuses = [BookingStatus.Pending, BookingStatus.Confirmed, BookingStatus.Confirmed, BookingStatus.CheckedIn, BookingStatus.Cancelled, BookingStatus.Rejected, BookingStatus.Released];

        DateTimeOffset? RandomTime() => random.Next(3) == 0 ? null : t0.AddDays(random.Next(-30, 60));
        (DateTimeOffset?, DateTimeOffset?) RandomWindow()
        {
            var (a, b) = (RandomTime(), RandomTime());
            return a is not null && b is not null && a >= b ? (b, a.Value.AddDays(1)) : (a, b);
        }

        T Pick<T>(IReadOnlyList<T> list) => list[random.Next(list.Count)];

        var (rejected, pruned, granted) = (0, 0, 0);
        for (var step = 1; step <= 300; step++)
        {
            try
            {
                await RandomEditAsync();
            }
            catch (HubValidationException)
            {
                rejected++;   // a nesting cycle: refused, nothing written
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException
            {
                SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.ExclusionViolation,
            })
            {
                rejected++;   // a duplicate membership, a reference still in use or an overlapping booking
            }

            if (step % 50 == 0)
            {
                // The clock walks from a month before t0 to 45 days after it, past most bookings.
                _services.Clock.Set(t0.AddDays(15 * (step / 50 - 3)));
                pruned += await _world.PruneAsync(t0.AddYears(-1), batchSize: 7).WithTimeout();
                await using var db = _services.NewContext();
                var report = await _services.Compiler.VerifyAsync(db, CancellationToken.None).WithTimeout();
                Assert.True(report.Consistent, $"seed {seed}, step {step}: {report}");
                granted = Math.Max(granted, await db.EffectiveRights.CountAsync());
            }
        }

        Assert.InRange(rejected, 0, 200);
        await using (var db = _services.NewContext())
        {
            Assert.True(granted > 10, $"the random model should grant something (at most {granted} rights at a check)");
            Assert.True(await db.Bookings.CountAsync(b => b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.CheckedIn) > 0, "the random model should hold active bookings");
            foreach (var kind in (RecordKind[])[RecordKind.Resource, RecordKind.Booking, RecordKind.NodeAccount])
            {
                Assert.True(await db.FeedEntries.CountAsync(e => e.Kind == kind && !e.Deleted) > 0, $"the feed should carry {kind} records");
                Assert.True(await db.FeedEntries.CountAsync(e => e.Kind == kind && e.Deleted) > 0, $"the feed should delete {kind} records");
            }
        }

        Assert.True(pruned > 0, "moving the clock past bookings should prune some");

        await AssertFeedReplaysToStoredStateAsync(sites);

        async Task RandomEditAsync()
        {
            await using var db = _services.NewContext();
            // One edit in five is a lab-process one (16..20).
            switch (random.Next(5) == 0 ? random.Next(16, 21) : random.Next(16))
            {
                case 0:
                case 1:
                {
                    var (from, to) = RandomWindow();
                    db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), PersonId = Pick(people).Id, GroupId = Pick(groups).Id, ValidFrom = from, ValidTo = to });
                    break;
                }

                case 2:
                    if (await db.Memberships.OrderBy(m => m.Id).Skip(random.Next(Math.Max(1, await db.Memberships.CountAsync()))).FirstOrDefaultAsync() is { } m)
                    {
                        db.Memberships.Remove(m);
                    }

                    break;
                case 3:
                {
                    var (child, parent) = (Pick(groups), Pick(groups));
                    if (child.Id != parent.Id && !await db.GroupNestings.AnyAsync(n => n.ChildId == child.Id && n.ParentId == parent.Id))
                    {
                        db.GroupNestings.Add(new GroupNesting { ChildId = child.Id, ParentId = parent.Id });
                    }

                    break;
                }

                case 4:
                    if (await db.GroupNestings.FirstOrDefaultAsync() is { } nesting)
                    {
                        db.GroupNestings.Remove(nesting);
                    }

                    break;
                case 5:
                {
                    var group = await db.Groups.FindAsync(Pick(groups).Id);
                    group!.Active = !group.Active;
                    break;
                }

                case 6:
                {
                    var site = Pick(sites);
                    var (from, to) = RandomWindow();
                    var scheme = new AccessScheme
                    {
                        Id = Guid.CreateVersion7(),
                        SiteId = site.Id,
                        GroupId = Pick(groups).Id,
                        ScheduleId = Pick(schedules.Where(s => s.SiteId == site.Id).ToList()).Id,
                        Name = "scheme-" + Guid.NewGuid().ToString("N")[..8],
                        RequiresPin = random.Next(4) == 0,
                        ValidFrom = from,
                        ValidTo = to,
                    };
                    scheme.Doors.AddRange(doors.Where(d => d.SiteId == site.Id && random.Next(2) == 0).Select(d => new AccessSchemeDoor { SchemeId = scheme.Id, DoorId = d.Id }));
                    db.AccessSchemes.Add(scheme);
                    break;
                }

                case 7:
                    if (await db.AccessSchemes.Include(s => s.Doors).OrderBy(s => s.Id).FirstOrDefaultAsync(s => s.Doors.Count > 0) is { } withDoors)
                    {
                        if (random.Next(3) == 0)
                        {
                            db.AccessSchemes.Remove(withDoors);
                        }
                        else if (random.Next(2) == 0)
                        {
                            withDoors.Doors.RemoveAt(0);
                        }
                        else
                        {
                            withDoors.GroupId = Pick(groups).Id;
                        }
                    }

                    break;
                case 8:
                {
                    var card = await db.Cards.OrderBy(c => c.Id).Skip(random.Next(await db.Cards.CountAsync())).FirstAsync();
                    switch (random.Next(3))
                    {
                        case 0: card.Status = (CardStatus)random.Next(3); break;
                        case 1: (card.ValidFrom, card.ValidTo) = RandomWindow(); break;
                        default: card.PersonId = Pick(people).Id; break;
                    }

                    break;
                }

                case 9:
                {
                    var door = Pick(doors);
                    var (from, to) = RandomWindow();
                    db.DirectGrants.Add(new DirectGrant
                    {
                        Id = Guid.CreateVersion7(),
                        PersonId = Pick(people).Id,
                        DoorId = door.Id,
                        ScheduleId = Pick(schedules.Where(s => s.SiteId == door.SiteId).ToList()).Id,
                        ValidFrom = from,
                        ValidTo = to,
                    });
                    break;
                }

                case 10:
                {
                    var door = await db.Doors.FindAsync(Pick(doors).Id);
                    door!.RequiresPin = !door.RequiresPin;
                    break;
                }

                case 12:
                {
                    var start = t0.AddHours(random.Next(-24 * 30, 24 * 60));
                    var end = start.AddMinutes(30 * random.Next(1, 9));
                    db.Bookings.Add(new Booking
                    {
                        Id = Guid.CreateVersion7(),
                        ResourceId = Pick(resources).Id,
                        PersonId = Pick(people).Id,
                        StartsAt = start,
                        EndsAt = end,
                        OccupiedUntil = end,
                        Status = Pick(statuses),
                    });
                    break;
                }

                case 13:
                    if (await db.Bookings.OrderBy(b => b.Id).Skip(random.Next(Math.Max(1, await db.Bookings.CountAsync()))).FirstOrDefaultAsync() is { } booking)
                    {
                        switch (random.Next(5))
                        {
                            case 0:
                            case 1:
                                booking.Status = Pick(statuses);
                                break;
                            case 2:
                                var shift = TimeSpan.FromMinutes(30 * random.Next(-6, 7));
                                (booking.StartsAt, booking.EndsAt, booking.OccupiedUntil) = (booking.StartsAt + shift, booking.EndsAt + shift, booking.OccupiedUntil + shift);
                                break;
                            case 3:
                                booking.PersonId = Pick(people).Id;
                                break;
                            default:
                                db.Bookings.Remove(booking);
                                break;
                        }
                    }

                    break;
                case 14:
                {
                    var resourceId = Pick(resources).Id;
                    var resource = await db.BookingResources.Include(r => r.Doors).SingleAsync(r => r.Id == resourceId);
                    var door = Pick(doors.Where(d => d.SiteId == resource.SiteId).ToList());
                    if (resource.Doors.FirstOrDefault(d => d.DoorId == door.Id) is { } opened)
                    {
                        resource.Doors.Remove(opened);
                    }
                    else
                    {
                        resource.Doors.Add(new BookingResourceDoor { ResourceId = resource.Id, DoorId = door.Id });
                    }

                    break;
                }

                case 15:
                {
                    var resourceId = Pick(resources).Id;
                    var rules = await db.BookingRules.SingleAsync(r => r.ResourceId == resourceId);
                    if (random.Next(2) == 0)
                    {
                        rules.EarlyEntryMinutes = random.Next(5) * 15;
                    }
                    else
                    {
                        rules.GraceMinutes = random.Next(5) * 10;
                    }

                    break;
                }

                case 16:
                {
                    // A resource gains or loses its lab server (losing it turns its policy off: lab_mode_node_check).
                    var resource = await db.BookingResources.FindAsync(Pick(resources).Id);
                    (resource!.NodeId, resource.LabMode) = resource.NodeId is null ? (nodes[resource.SiteId].Id, resource.LabMode) : (null, LabMode.Off);
                    break;
                }

                case 17:
                {
                    var resource = await db.BookingResources.FindAsync(Pick(resources).Id);
                    switch (random.Next(5))
                    {
                        case 0:
                            resource!.ControlPrograms = System.Text.Json.JsonSerializer.Serialize(Enumerable.Range(0, random.Next(3)).Select(i => $"/opt/p{random.Next(9)}/bin/*"));
                            break;
                        case 1:
                            resource!.LabMode = resource.NodeId is null ? LabMode.Off : (LabMode)random.Next(3);
                            (resource.LabWarningSeconds, resource.LabGraceSeconds, resource.LabIntervalSeconds) = (random.Next(3) * 60, random.Next(3) * 30, random.Next(6));
                            break;
                        case 2:
                            resource!.LabExemptAccounts = [.. Enumerable.Range(0, random.Next(3)).Select(i => $"svc{i}")];
                            resource.LabOsGroup = random.Next(2) == 0 ? "" : "scope-users";
                            break;
                        case 3:
                            resource!.Active = !resource.Active;
                            break;
                        default:
                            resource!.Name = $"r-{random.Next(1_000_000)}";
                            break;
                    }

                    break;
                }

                case 18:
                {
                    var accounts = await db.NodeAccounts.OrderBy(a => a.Id).ToListAsync();
                    var account = accounts.Count == 0 ? null : accounts[random.Next(accounts.Count)];
                    switch (account is null ? 0 : random.Next(5))
                    {
                        case 0:
                            var node = Pick(nodes.Values.ToList());
                            db.NodeAccounts.Add(new NodeAccount { Id = Guid.CreateVersion7(), NodeId = node.Id, Uid = 1000 + random.Next(40), Name = $"u{random.Next(100)}", ReportedAt = t0 });
                            break;
                        case 1:
                        case 2:
                            account!.PersonId = random.Next(3) == 0 ? null : Pick([.. people, .. extraPeople]).Id;
                            break;
                        case 3:
                            account!.Name = $"u{random.Next(100)}";
                            break;
                        default:
                            db.NodeAccounts.Remove(account!);
                            break;
                    }

                    break;
                }

                case 19:
                {
                    // Someone who only holds an account, linked in the same save.
                    var uid = 2000 + random.Next(1_000_000);
                    var person = new Person { Id = Guid.CreateVersion7(), DisplayName = $"x{uid}" };
                    db.People.Add(person);
                    db.NodeAccounts.Add(new NodeAccount { Id = Guid.CreateVersion7(), NodeId = Pick(nodes.Values.ToList()).Id, Uid = uid, Name = $"x{uid}", PersonId = person.Id, ReportedAt = t0 });
                    await _services.Changes.SaveAsync(db, RightsWorld.Tester, CancellationToken.None).WithTimeout();
                    extraPeople.Add(person);
                    break;
                }

                case 20:
                    // Deleting a person unlinks their accounts (ON DELETE SET NULL), rows HubChanges never sees.
                    if (extraPeople.Count > 0)
                    {
                        var gone = extraPeople[random.Next(extraPeople.Count)];
                        extraPeople.Remove(gone);
                        db.People.Remove((await db.People.FindAsync(gone.Id))!);
                    }

                    break;
                default:
                {
                    var person = await db.People.FindAsync(Pick(people).Id);
                    if (random.Next(2) == 0)
                    {
                        person!.Active = !person.Active;
                    }
                    else
                    {
                        db.Cards.Add(new Card { Id = Guid.CreateVersion7(), PersonId = person!.Id, NumberHash = Guid.NewGuid().ToByteArray(), LastDigits = "1234" });
                    }

                    break;
                }
            }

            await _services.Changes.SaveAsync(db, RightsWorld.Tester, CancellationToken.None).WithTimeout();
        }
    }

    [Fact]
    public async Task Verify_StoredRightTamperedWith_IsReportedAndFullCompileRepairsIt()
    {
        var site = await _world.SiteAsync("tamper");
        var door = await _world.DoorAsync(site, "door");
        var schedule = await _world.ScheduleAsync(site, "always");
        var group = await _world.GroupAsync("tamper-g");
        await _world.SchemeAsync(site, group, schedule, doors: door);
        var person = await _world.PersonAsync("Gus");
        var card = await _world.CardAsync(person);
        await _world.MemberAsync(person, group);
        await using (var delete = _services.DataSource.CreateCommand("DELETE FROM effective_rights"))
        {
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        await using var db = _services.NewContext();
        var report = await _services.Compiler.VerifyAsync(db, CancellationToken.None);
        Assert.Equal(1, report.RightsChanged);

        var repaired = await _services.Compiler.FullCompileAsync(db, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, repaired.RightsChanged);
        Assert.NotNull(await _world.RightAsync(card, door));
        Assert.True((await _services.Compiler.VerifyAsync(db, CancellationToken.None)).Consistent);
    }

    private async Task AssertFeedReplaysToStoredStateAsync(List<Site> sites)
    {
        foreach (var site in sites)
        {
            var replayed = new Dictionary<(short, Guid, Guid?), string>();
            foreach (var entry in await Feed.FeedTestSite.ReadAllAsync(_services.DataSource, site.Id))
            {
                var key = ((short)entry.Kind, entry.EntityId, entry.DoorId);
                if (entry.Deleted)
                {
                    Assert.True(replayed.Remove(key), $"feed deletes {key} which it never created");
                }
                else
                {
                    replayed[key] = Convert.ToBase64String(entry.Payload!);
                }
            }

            var stored = new Dictionary<(short, Guid, Guid?), string>();
            await using var snapshot = await SiteSnapshot.OpenAsync(_services.DataSource, site.Id, CancellationToken.None);
            await foreach (var record in snapshot.ReadAsync(CancellationToken.None))
            {
                stored[((short)record.Kind, record.EntityId, record.DoorId)] = Convert.ToBase64String(record.Payload);
            }

            Assert.Equal(stored.Count, replayed.Count);
            Assert.All(stored, kv => Assert.Equal(kv.Value, replayed[kv.Key]));
        }
    }
}
