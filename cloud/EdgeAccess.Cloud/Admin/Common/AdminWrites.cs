using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Admin.Common;

/// <summary>
/// What every admin service shares around a write: new ids, the etag check, saving through
/// <see cref="HubChanges"/> with its refusals mapped to statuses.
/// </summary>
internal static class AdminWrites
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
    /// Refuses a stale etag (FAILED_PRECONDITION); no etag means an unconditional change. The
    /// client's etag also becomes the version the UPDATE is conditioned on, so a change that lands
    /// between this read and the save is caught by the database too.
    /// </summary>
    public static void CheckEtag<T>(HubDbContext db, T entity, Guid id, long? etag, string kind)
        where T : class, IVersioned
    {
        if (etag is not { } expected)
        {
            return;
        }

        if (entity.Version != expected)
        {
            throw ApiErrors.StaleEtag(kind, id, entity.Version);
        }

        db.Entry(entity).Property(e => e.Version).OriginalValue = expected;
    }

    /// <summary>A new time-ordered id (UUIDv7), so keyset pages follow creation order.</summary>
    public static Guid NewId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow());

    /// <summary>The entity, or NOT_FOUND naming it.</summary>
    public static T OrNotFound<T>(this T? entity, string kind, Guid id)
        where T : class => entity ?? throw ApiErrors.NotFound(kind, id);

    /// <summary>
    /// Saves the tracked changes as <paramref name="actor"/>: model rules broken → INVALID_ARGUMENT
    /// naming the field, database refusals → ALREADY_EXISTS / FAILED_PRECONDITION / INVALID_ARGUMENT.
    /// Nothing is written when it throws (HubChanges runs in one transaction).
    /// </summary>
    public static Task SaveAsync(HubChanges changes, HubDbContext db, ChangeActor actor, string kind, CancellationToken cancellationToken) =>
        SaveAsync(changes, db, actor, kind, beforePublish: null, cancellationToken);

    /// <summary>As above, with a step run before the feed is published (see <see cref="HubChanges"/>).</summary>
    public static async Task SaveAsync(HubChanges changes, HubDbContext db, ChangeActor actor, string kind, Func<CancellationToken, Task>? beforePublish, CancellationToken cancellationToken)
    {
        try
        {
            await changes.SaveAsync(db, actor, beforePublish, cancellationToken);
        }
        catch (HubValidationException ex)
        {
            throw ApiErrors.Invalid(ex.Field, ex.Reason);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } name }
            && Duplicates.TryGetValue(name, out var message))
        {
            throw ApiErrors.AlreadyExists(message);
        }
        catch (DbUpdateException ex) when (ApiErrors.FromDatabase(ex, kind) is { } status)
        {
            // Anything FromDatabase does not know stays unhandled: INTERNAL, and logged by the server.
            throw status;
        }
    }
}
