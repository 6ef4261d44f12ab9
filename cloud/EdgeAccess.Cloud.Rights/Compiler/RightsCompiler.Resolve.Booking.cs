using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

public sealed partial class RightsCompiler
{
    /// <summary>
    /// Expands the booking seeds (see <c>ChangePlan.AddBookingSeeds</c>) set-wise: a series of fifty
    /// occurrences costs two queries, not a hundred. Only confirmed and checked-in bookings (status
    /// 2, 3) hold rights; resolving before and after the save covers a booking that stops or starts
    /// being one of them.
    /// </summary>
    private static async Task ResolveBookingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChangePlan plan, RightsScope scope, CancellationToken cancellationToken)
    {
        if (plan.PersonResources.Count == 0 && plan.ResourceBookers.Count == 0)
        {
            return;
        }

        var resources = plan.PersonResources.Select(p => p.Resource).Concat(plan.ResourceBookers.Select(r => r.Resource)).Distinct().ToArray();
        var doors = resources.ToDictionary(r => r, _ => new List<Guid>());
        await RightsLoader.ReadAsync(connection, transaction, "SELECT resource_id, door_id FROM booking_resource_doors WHERE resource_id = ANY($1)",
            [resources], r => doors[r.GetGuid(0)].Add(r.GetGuid(1)), cancellationToken).ConfigureAwait(false);

        foreach (var (person, resource) in plan.PersonResources)
        {
            if (doors[resource].Count > 0)
            {
                scope.AddPerson(person, doors[resource]);
            }
        }

        if (plan.ResourceBookers.Count == 0)
        {
            return;
        }

        var bookers = new List<(Guid Resource, Guid Person)>();
        await RightsLoader.ReadAsync(connection, transaction,
            "SELECT DISTINCT resource_id, person_id FROM bookings WHERE resource_id = ANY($1) AND status IN (2, 3)",
            [plan.ResourceBookers.Select(r => r.Resource).Distinct().ToArray()], r => bookers.Add((r.GetGuid(0), r.GetGuid(1))), cancellationToken).ConfigureAwait(false);
        foreach (var (resource, door) in plan.ResourceBookers)
        {
            List<Guid> affected = door is { } one ? [one] : doors[resource];
            if (affected.Count == 0)
            {
                continue;
            }

            foreach (var (_, person) in bookers.Where(b => b.Resource == resource))
            {
                scope.AddPerson(person, affected);
            }
        }
    }
}
