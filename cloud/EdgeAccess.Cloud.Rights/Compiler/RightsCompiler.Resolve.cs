using EdgeAccess.Cloud.Data;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

public sealed partial class RightsCompiler
{
    // Members of a group: its direct members and those of every group nested in it, at any depth.
    private const string MembersSql = """
        WITH RECURSIVE sub(id) AS (
            SELECT unnest($1::uuid[])
            UNION
            SELECT n.child_id FROM group_nestings n JOIN sub ON n.parent_id = sub.id)
        SELECT DISTINCT m.person_id FROM memberships m JOIN sub ON m.group_id = sub.id
        """;

    // Doors granted to a group or any group it is nested in (what a member of it can reach).
    private const string DoorsUpwardSql = """
        WITH RECURSIVE up(id) AS (
            SELECT unnest($1::uuid[])
            UNION
            SELECT n.parent_id FROM group_nestings n JOIN up ON n.child_id = up.id)
        SELECT DISTINCT d.door_id FROM access_schemes s JOIN up ON s.group_id = up.id
        JOIN access_scheme_doors d ON d.scheme_id = s.id
        """;

    /// <summary>Expands the plan's seeds into people and doors against the database as it is now.</summary>
    internal async Task<RightsScope> ResolveAsync(HubDbContext db, ChangePlan plan, CancellationToken cancellationToken)
    {
        var (connection, transaction) = Connection(db);
        var scope = new RightsScope();
        foreach (var person in plan.Persons)
        {
            scope.AddPerson(person, null);
        }

        scope.Cards.UnionWith(plan.Cards);
        if (plan.GroupsAllDoors.Count > 0)
        {
            foreach (var person in await GuidsAsync(connection, transaction, MembersSql, [plan.GroupsAllDoors.ToArray()], cancellationToken).ConfigureAwait(false))
            {
                scope.AddPerson(person, null);
            }
        }

        foreach (var (group, from) in plan.GroupsDoorsFrom)
        {
            var doors = await GuidsAsync(connection, transaction, DoorsUpwardSql, [new[] { from }], cancellationToken).ConfigureAwait(false);
            await AddMembersAsync(group, doors).ConfigureAwait(false);
        }

        foreach (var (group, scheme) in plan.GroupScheme)
        {
            var doors = await GuidsAsync(connection, transaction, "SELECT door_id FROM access_scheme_doors WHERE scheme_id = $1", [scheme], cancellationToken).ConfigureAwait(false);
            await AddMembersAsync(group, doors).ConfigureAwait(false);
        }

        foreach (var (scheme, door) in plan.SchemeDoors)
        {
            foreach (var group in await GuidsAsync(connection, transaction, "SELECT group_id FROM access_schemes WHERE id = $1", [scheme], cancellationToken).ConfigureAwait(false))
            {
                await AddMembersAsync(group, [door]).ConfigureAwait(false);
            }
        }

        foreach (var door in plan.DoorsWide)
        {
            var people = await GuidsAsync(connection, transaction, """
                SELECT person_id FROM effective_rights WHERE door_id = $1
                UNION SELECT person_id FROM direct_grants WHERE door_id = $1
                UNION SELECT b.person_id FROM bookings b JOIN booking_resource_doors rd ON rd.resource_id = b.resource_id
                    WHERE rd.door_id = $1 AND b.status IN (2, 3)
                """, [door], cancellationToken).ConfigureAwait(false);
            var groups = await GuidsAsync(connection, transaction,
                "SELECT s.group_id FROM access_schemes s JOIN access_scheme_doors d ON d.scheme_id = s.id WHERE d.door_id = $1", [door], cancellationToken).ConfigureAwait(false);
            people.AddRange(await GuidsAsync(connection, transaction, MembersSql, [groups.ToArray()], cancellationToken).ConfigureAwait(false));
            foreach (var person in people)
            {
                scope.AddPerson(person, [door]);
            }
        }

        await ResolveBookingsAsync(connection, transaction, plan, scope, cancellationToken).ConfigureAwait(false);
        await ResolveLabRecordsAsync(connection, transaction, plan, cancellationToken).ConfigureAwait(false);
        return scope;

        async Task AddMembersAsync(Guid group, List<Guid> doors)
        {
            if (doors.Count == 0)
            {
                return;
            }

            foreach (var person in await GuidsAsync(connection, transaction, MembersSql, [new[] { group }], cancellationToken).ConfigureAwait(false))
            {
                scope.AddPerson(person, doors);
            }
        }
    }

    /// <summary>
    /// Rules the schema cannot express: a group nesting must not close a cycle. Checked after the
    /// insert under a transaction-scoped advisory lock, so two concurrent nestings that together
    /// would form a cycle are serialised and the second one sees the first.
    /// </summary>
    internal async Task CheckModelRulesAsync(HubDbContext db, ChangePlan plan, CancellationToken cancellationToken)
    {
        if (plan.AddedNestings.Count == 0)
        {
            return;
        }

        var (connection, transaction) = Connection(db);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7301)", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var nesting in plan.AddedNestings)
        {
            // Walk up from the new parent; reaching the child closes a cycle.
            await using var command = new NpgsqlCommand("""
                WITH RECURSIVE up(id, path) AS (
                    SELECT $1::uuid, ARRAY[$2::uuid, $1::uuid]
                    UNION ALL
                    SELECT n.parent_id, up.path || n.parent_id FROM group_nestings n JOIN up ON n.child_id = up.id
                    WHERE NOT n.parent_id = ANY(up.path[2:]))
                SELECT (SELECT string_agg(g.name, ' ⊂ ' ORDER BY p.ord) FROM unnest(path) WITH ORDINALITY p(id, ord) JOIN groups g ON g.id = p.id)
                FROM up WHERE id = $2 LIMIT 1
                """, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = nesting.ParentId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = nesting.ChildId });
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string cycle)
            {
                throw new HubValidationException("child_group_id", $"nesting would create a cycle ({cycle})");
            }
        }
    }

    private static async Task<List<Guid>> GuidsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        var result = new List<Guid>();
        await RightsLoader.ReadAsync(connection, transaction, sql, parameters, r => result.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        return result;
    }
}
