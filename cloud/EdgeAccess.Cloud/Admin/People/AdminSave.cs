using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// Saves admin edits through <see cref="HubChanges"/> and answers what it refuses with the admin
/// API's statuses; also the etag check every update and delete makes.
/// </summary>
internal static class AdminSave
{
    // Unique constraints worded for people, never echoing the colliding value (a card's number
    // hash included).
    private static readonly Dictionary<string, string> Duplicates = new(StringComparer.Ordinal)
    {
        ["cards_number_hash_key"] = "a card with that number already exists",
        ["people_email_key"] = "a person with that email already exists",
        ["people_external_id_key"] = "a person with that external_id already exists",
        ["groups_name_key"] = "a group with that name already exists",
        ["memberships_person_group_key"] = "that person is already a member of that group",
        ["group_nestings_pkey"] = "that group is already nested in that parent",
    };

    /// <summary>
    /// <c>HubChanges.SaveAsync</c> with model-rule refusals as INVALID_ARGUMENT naming the field
    /// and database refusals mapped by <see cref="ApiErrors.FromDatabase"/>.
    /// </summary>
    public static async Task SaveAdminAsync(this HubChanges changes, HubDbContext db, ChangeActor actor, string entity, CancellationToken cancellationToken)
    {
        try
        {
            await changes.SaveAsync(db, actor, cancellationToken);
        }
        catch (HubValidationException ex)
        {
            throw ApiErrors.Invalid(ex.Field, ex.Reason);
        }
        catch (DbUpdateException ex)
        {
            if (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } name }
                && Duplicates.TryGetValue(name, out var message))
            {
                throw ApiErrors.AlreadyExists(message);
            }

            var mapped = ApiErrors.FromDatabase(ex, entity);
            if (mapped is null)
            {
                throw;
            }

            throw mapped;
        }
    }

    /// <summary>
    /// Fails with FAILED_PRECONDITION when <paramref name="etag"/> is set and stale, and makes the
    /// save itself compare against it (a concurrent change between read and save fails too).
    /// </summary>
    public static void CheckEtag<T>(HubDbContext db, T entity, Guid id, long? etag, string name)
        where T : class, IVersioned
    {
        if (etag is not { } expected)
        {
            return;
        }

        if (entity.Version != expected)
        {
            throw ApiErrors.StaleEtag(name, id, entity.Version);
        }

        db.Entry(entity).Property(e => e.Version).OriginalValue = expected;
    }

    /// <summary>A new entity id: UUIDv7 from the hub clock, so ids sort by creation time.</summary>
    public static Guid NewId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow());

    /// <summary>NOT_FOUND unless <paramref name="entity"/> was found.</summary>
    public static T OrNotFound<T>(this T? entity, string name, Guid id)
        where T : class => entity ?? throw ApiErrors.NotFound(name, id);

    /// <summary>NOT_FOUND with a message of its own (for lookups that are not by id).</summary>
    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));
}
