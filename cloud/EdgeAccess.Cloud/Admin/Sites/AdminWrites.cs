using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Admin.Sites;

/// <summary>
/// What the site, schedule and grant admin services share around a write: the etag check, saving
/// through <see cref="HubChanges"/> with its refusals mapped to statuses.
/// </summary>
internal static class AdminWrites
{
    /// <summary>Refuses a stale etag (FAILED_PRECONDITION); no etag means an unconditional change.</summary>
    public static void CheckEtag(long? etag, IVersioned entity, string kind, Guid id)
    {
        if (etag is { } expected && expected != entity.Version)
        {
            throw ApiErrors.StaleEtag(kind, id, entity.Version);
        }
    }

    /// <summary>
    /// Makes an update that changed only child rows (scheme doors, holidays, calendar links) still
    /// count as a change of <paramref name="entity"/>: its version (etag) moves on, so a client
    /// holding the old etag cannot overwrite it unseen. Returns false when nothing changed at all.
    /// </summary>
    public static bool MarkUpdated<T>(HubDbContext db, T entity)
        where T : class, IVersioned
    {
        if (!db.ChangeTracker.HasChanges())
        {
            return false;
        }

        var version = db.Entry(entity).Property(e => e.Version);
        if (!version.IsModified)
        {
            // HubChanges stamps the same value when the entity's own fields changed too.
            version.CurrentValue = version.OriginalValue + 1;
        }

        return true;
    }

    /// <summary>
    /// Saves the tracked changes as <paramref name="actor"/>: model rules broken → INVALID_ARGUMENT
    /// naming the field, database refusals → ALREADY_EXISTS / FAILED_PRECONDITION / INVALID_ARGUMENT.
    /// Nothing is written when it throws (HubChanges runs in one transaction).
    /// </summary>
    public static async Task SaveAsync(HubChanges changes, HubDbContext db, ChangeActor actor, string kind, CancellationToken cancellationToken)
    {
        try
        {
            await changes.SaveAsync(db, actor, cancellationToken);
        }
        catch (HubValidationException ex)
        {
            throw ApiErrors.Invalid(ex.Field, ex.Reason);
        }
        catch (DbUpdateException ex) when (ApiErrors.FromDatabase(ex, kind) is { } status)
        {
            // Anything FromDatabase does not know stays unhandled: INTERNAL, and logged by the server.
            throw status;
        }
    }
}
