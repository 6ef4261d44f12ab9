using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Rights;

/// <summary>
/// Saves admin edits: everything in the context's change tracker is versioned, audited, compiled
/// into effective rights and published to the affected sites' feeds in one transaction, so an edge
/// never sees a half-applied change and nothing is half written on error.
/// </summary>
/// <remarks>Use <see cref="SaveAsync(HubDbContext, ChangeActor, CancellationToken)"/> instead of <c>SaveChangesAsync</c> for every admin change.</remarks>
public sealed partial class HubChanges(RightsCompiler compiler, TimeProvider time, ILogger<HubChanges> logger)
{
    /// <summary>
    /// Saves the tracked changes of <paramref name="db"/> as <paramref name="actor"/>. Joins the
    /// context's current transaction if there is one (the caller commits), otherwise runs in its own.
    /// </summary>
    /// <exception cref="HubValidationException">The change breaks a model rule (e.g. a nesting cycle).</exception>
    /// <exception cref="DbUpdateConcurrencyException">A versioned entity was changed concurrently.</exception>
    /// <exception cref="DbUpdateException">The database refused the change (unique, foreign key, check).</exception>
    public Task SaveAsync(HubDbContext db, ChangeActor actor, CancellationToken cancellationToken) =>
        SaveAsync(db, actor, beforePublish: null, cancellationToken);

    /// <summary>
    /// As <see cref="SaveAsync(HubDbContext, ChangeActor, CancellationToken)"/>, and runs
    /// <paramref name="beforePublish"/> once the changes and their audit entries are tracked (the
    /// entities saved and stamped), before the feed is published: rows it adds to the context (an
    /// outbox message describing the saved entity) are saved with the audit entries, in the same
    /// transaction, without being audited themselves, and before the sites' feed heads are locked.
    /// </summary>
    public async Task SaveAsync(HubDbContext db, ChangeActor actor, Func<CancellationToken, Task>? beforePublish, CancellationToken cancellationToken)
    {
        // PostgreSQL keeps microseconds: stamp what will be read back, so a create's answer equals a later read.
        var clock = time.GetUtcNow();
        var now = clock.AddTicks(-(clock.Ticks % 10));
        var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var plan = ChangePlan.FromTracker(db.ChangeTracker, actor, now);
            if (plan.IsEmpty)
            {
                if (beforePublish is not null)
                {
                    await beforePublish(cancellationToken).ConfigureAwait(false);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }

                if (ownTransaction is not null)
                {
                    await ownTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            // Who is affected is resolved against the state before and after the change: a removed
            // nesting or scheme still names the people who lose rights through it.
            var scopeBefore = await compiler.ResolveAsync(db, plan, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await compiler.CheckModelRulesAsync(db, plan, cancellationToken).ConfigureAwait(false);
            var scopeAfter = await compiler.ResolveAsync(db, plan, cancellationToken).ConfigureAwait(false);
            // Audit (and the caller's own rows) first: publishing locks the sites' feed heads until
            // commit, so it goes last.
            db.AuditEntries.AddRange(plan.AuditEntries);
            if (beforePublish is not null)
            {
                await beforePublish(cancellationToken).ConfigureAwait(false);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var published = await compiler.PublishAsync(db, plan, scopeBefore.Union(scopeAfter), now, cancellationToken).ConfigureAwait(false);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            LogSaved(logger, actor.Name, plan.AuditEntries.Count, published);
        }
        catch
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(3100, LogLevel.Debug, "{Actor} saved {Changes} changes; {Published} feed entries published", EventName = "ChangesSaved")]
    private static partial void LogSaved(ILogger logger, string actor, int changes, int published);
}
