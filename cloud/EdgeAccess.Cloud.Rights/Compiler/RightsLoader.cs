using System.Data.Common;
using EdgeAccess.Schedules;
using NodaTime;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>Loads a <see cref="RightsModel"/> for a set of people (or everyone) with set-wise queries.</summary>
internal static class RightsLoader
{
    /// <summary>Loads the people of <paramref name="people"/> (null = everyone) and the groups, schemes and doors they need, with every active booking.</summary>
    public static Task<RightsModel> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ICollection<Guid>? people, ICollection<Guid>? extraCards, CancellationToken cancellationToken) =>
        LoadAsync(connection, transaction, people, extraCards, null, cancellationToken);

    /// <summary>
    /// Loads the people of <paramref name="people"/> (null = everyone) and the groups, schemes and
    /// doors they need. Active bookings whose access window ended before <paramref name="bookingCutoff"/>
    /// are left out (pruned); null keeps them all (explain, which may look into the past).
    /// </summary>
    public static async Task<RightsModel> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, ICollection<Guid>? people, ICollection<Guid>? extraCards, DateTimeOffset? bookingCutoff, CancellationToken cancellationToken)
    {
        var model = new RightsModel();
        var all = people is null;
        var personIds = people?.ToArray() ?? [];
        var cardIds = extraCards?.ToArray() ?? [];

        // Everyone (or the people in scope, plus the holders of extra cards).
        await ReadAsync(connection, transaction, all
            ? "SELECT id, active FROM people"
            : "SELECT id, active FROM people WHERE id = ANY($1) UNION SELECT p.id, p.active FROM people p JOIN cards c ON c.person_id = p.id WHERE c.id = ANY($2)",
            all ? [] : [personIds, cardIds], r =>
            {
                var person = model.Person(r.GetGuid(0));
                person.Exists = true;
                person.Active = r.GetBoolean(1);
            }, cancellationToken).ConfigureAwait(false);
        var loaded = model.People.Keys.ToArray();

        await ReadAsync(connection, transaction, all
            ? "SELECT id, person_id, status, valid_from, valid_to FROM cards"
            : "SELECT id, person_id, status, valid_from, valid_to FROM cards WHERE person_id = ANY($1)",
            all ? [] : [loaded], r => model.Person(r.GetGuid(1)).Cards.Add(
                new CardInfo(r.GetGuid(0), r.GetGuid(1), r.GetInt16(2) == 0, Window(r, 3))), cancellationToken).ConfigureAwait(false);

        await ReadAsync(connection, transaction, all
            ? "SELECT person_id, group_id, valid_from, valid_to, role_title FROM memberships"
            : "SELECT person_id, group_id, valid_from, valid_to, role_title FROM memberships WHERE person_id = ANY($1)",
            all ? [] : [loaded], r => model.Person(r.GetGuid(0)).Memberships.Add(
                new MembershipInfo(r.GetGuid(1), Window(r, 2), r.GetString(4))), cancellationToken).ConfigureAwait(false);

        await ReadAsync(connection, transaction, all
            ? "SELECT id, person_id, door_id, schedule_id, requires_pin, valid_from, valid_to FROM direct_grants"
            : "SELECT id, person_id, door_id, schedule_id, requires_pin, valid_from, valid_to FROM direct_grants WHERE person_id = ANY($1)",
            all ? [] : [loaded], r => model.Person(r.GetGuid(1)).Grants.Add(
                new GrantInfo(r.GetGuid(0), r.GetGuid(2), r.GetGuid(3), r.GetBoolean(4), Window(r, 5))), cancellationToken).ConfigureAwait(false);

        await LoadBookingsAsync(connection, transaction, model, all ? null : loaded, bookingCutoff, cancellationToken).ConfigureAwait(false);

        // The group graph is small (thousands of rows): load it whole.
        await ReadAsync(connection, transaction, "SELECT id, name, active FROM groups", [],
            r => model.Groups[r.GetGuid(0)] = new GroupNode(r.GetGuid(0), r.GetString(1), r.GetBoolean(2)), cancellationToken).ConfigureAwait(false);
        await ReadAsync(connection, transaction, "SELECT parent_id, child_id FROM group_nestings", [], r =>
        {
            if (model.Groups.TryGetValue(r.GetGuid(1), out var child))
            {
                child.Parents.Add(r.GetGuid(0));
            }
        }, cancellationToken).ConfigureAwait(false);

        // Only the schemes of groups these people can reach.
        var reachable = all
            ? model.Groups.Keys.ToArray()
            : model.People.Values.SelectMany(p => p.Memberships).Select(m => m.GroupId).Distinct()
                .SelectMany(g => model.Reachable(g)).Select(r => r.Group).Distinct().ToArray();
        var schemes = new Dictionary<Guid, SchemeInfo>();
        await ReadAsync(connection, transaction,
            "SELECT id, name, group_id, schedule_id, requires_pin, valid_from, valid_to FROM access_schemes WHERE group_id = ANY($1)",
            [reachable], r =>
            {
                var scheme = new SchemeInfo(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetGuid(3), r.GetBoolean(4), Window(r, 5));
                schemes[scheme.Id] = scheme;
                if (!model.SchemesByGroup.TryGetValue(scheme.GroupId, out var list))
                {
                    list = [];
                    model.SchemesByGroup[scheme.GroupId] = list;
                }

                list.Add(scheme);
            }, cancellationToken).ConfigureAwait(false);
        await ReadAsync(connection, transaction, "SELECT scheme_id, door_id FROM access_scheme_doors WHERE scheme_id = ANY($1)",
            [schemes.Keys.ToArray()], r => schemes[r.GetGuid(0)].Doors.Add(r.GetGuid(1)), cancellationToken).ConfigureAwait(false);

        await ReadAsync(connection, transaction, "SELECT id, site_id, name, requires_pin FROM doors", [],
            r => model.Doors[r.GetGuid(0)] = new DoorInfo(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetBoolean(3)), cancellationToken).ConfigureAwait(false);
        return model;
    }

    /// <summary>
    /// The active bookings (confirmed or checked in; see <see cref="BookingSql"/>) of
    /// <paramref name="people"/> (null = everyone), with the doors of their resources. The window
    /// uses the resource's rules as they are now, so a change of early entry or grace moves the
    /// windows of its existing bookings. A booking whose window ended before <paramref name="cutoff"/>
    /// is pruned and left out.
    /// </summary>
    private static async Task LoadBookingsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RightsModel model, Guid[]? people, DateTimeOffset? cutoff, CancellationToken cancellationToken)
    {
        var sql = BookingSql;
        var parameters = new List<object>();
        if (people is not null)
        {
            parameters.Add(people);
            sql += $" AND b.person_id = ANY(${parameters.Count})";
        }

        if (cutoff is { } notBefore)
        {
            parameters.Add(notBefore);
            sql += $" AND {WindowEndSql} >= ${parameters.Count}";
        }

        await ReadAsync(connection, transaction, sql, [.. parameters], r =>
        {
            var from = NodaTime.Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(4)) - Duration.FromMinutes(r.GetInt32(6));
            var to = NodaTime.Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(5)) + Duration.FromMinutes(r.GetInt32(7));
            model.Person(r.GetGuid(1)).Bookings.Add(new BookingInfo(r.GetGuid(0), r.GetGuid(2), r.GetString(3), new ValidityWindow(from, to)));
            model.ResourceDoors.TryAdd(r.GetGuid(2), []);
        }, cancellationToken).ConfigureAwait(false);
        if (model.ResourceDoors.Count == 0)
        {
            return;
        }

        await ReadAsync(connection, transaction, "SELECT resource_id, door_id FROM booking_resource_doors WHERE resource_id = ANY($1) ORDER BY resource_id, door_id",
            [model.ResourceDoors.Keys.ToArray()], r => model.ResourceDoors[r.GetGuid(0)].Add(r.GetGuid(1)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Active bookings with their resource's name and access minutes. Status 2 confirmed, 3 checked
    /// in (0008_booking.sql); pending (awaiting approval), cancelled and rejected ones open nothing.
    /// A resource without a rules row (there always is one) counts as 0 early and grace minutes.
    /// </summary>
    internal const string BookingSql = """
        SELECT b.id, b.person_id, b.resource_id, r.name, b.starts_at, b.ends_at,
               COALESCE(ru.early_entry_minutes, 0), COALESCE(ru.grace_minutes, 0)
        FROM bookings b JOIN booking_resources r ON r.id = b.resource_id
        LEFT JOIN booking_rules ru ON ru.resource_id = b.resource_id
        WHERE b.status IN (2, 3)
        """;

    /// <summary>
    /// The end of a booking's access window (end + grace, the rules as they are now) in a query
    /// over <c>bookings b LEFT JOIN booking_rules ru</c>: the one definition the compiler, the
    /// booking records and the pruner share.
    /// </summary>
    internal const string WindowEndSql = "(b.ends_at + make_interval(mins => COALESCE(ru.grace_minutes, 0)))";

    /// <summary>Runs a query and hands each row to <paramref name="row"/>.</summary>
    public static async Task ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object[] parameters, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row(reader);
        }
    }

    private static ValidityWindow Window(DbDataReader reader, int ordinal) => new(Instant(reader, ordinal), Instant(reader, ordinal + 1));

    private static Instant? Instant(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : NodaTime.Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(ordinal));
}
