using System.Diagnostics.Metrics;
using System.Globalization;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Sync;

/// <summary>
/// Applies a node's OS account report (<c>EdgeMessage.accounts</c>, sync.proto <c>NodeAccounts</c>)
/// to <c>node_accounts</c> (0011_lab_policy.sql): the report is the node's whole set, so reported
/// accounts are added or updated, linked accounts it no longer reports stay with
/// <c>present = false</c>, and unlinked ones it no longer reports are deleted.
/// </summary>
/// <remarks>
/// <para>
/// One transaction of its own per report, apart from the journal and acks. The node's rows are
/// locked first (<c>FOR UPDATE</c>), as <c>NodeService.LinkAccount</c> locks the one it links, so
/// a link never lands on a row being deleted. Rows are bookkeeping of what the node runs, saved
/// without the audit trail; only a renamed linked account goes through <see cref="HubChanges"/>,
/// because its name is part of the <c>NodeAccountRecord</c> the node's site replicates.
/// </para>
/// <para>
/// A malformed report (too many accounts, a uid outside uid_t, a bad or over-long name, a uid twice)
/// is logged and ignored rather than ending the stream: the stream also carries the node's door
/// rights and journal, and a node that re-sends the same report after every reconnect would lose
/// them in a loop. The hub keeps the last good set.
/// </para>
/// </remarks>
internal sealed class NodeAccountSync(IServiceScopeFactory scopes, HubChanges changes, ILogger<NodeAccountSync> logger)
{
    /// <summary>The most accounts one report may hold.</summary>
    public const int MaxAccounts = 10_000;

    /// <summary>The longest login name, in characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest full (GECOS) name kept, in characters; longer ones are cut.</summary>
    public const int MaxFullNameLength = 256;

    private static readonly Counter<long> Reports = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.sync.account_reports", "{report}", "OS account reports of edge nodes, by outcome (applied, rejected).");

    /// <summary>Why <paramref name="report"/> cannot be applied, or null when it can.</summary>
    public static string? Check(NodeAccounts report)
    {
        if (report.Accounts.Count > MaxAccounts)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{report.Accounts.Count} accounts; at most {MaxAccounts}");
        }

        var uids = new HashSet<long>();
        for (var i = 0; i < report.Accounts.Count; i++)
        {
            var account = report.Accounts[i];
            if (account.Uid is < 0 or > uint.MaxValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"accounts[{i}].uid {account.Uid} is outside 0..4294967295");
            }

            if (!uids.Add(account.Uid))
            {
                return string.Create(CultureInfo.InvariantCulture, $"accounts[{i}].uid {account.Uid} is listed twice");
            }

            if (account.Name.Length is 0 or > MaxNameLength || account.Name.Any(char.IsControl))
            {
                return string.Create(CultureInfo.InvariantCulture, $"accounts[{i}].name must be 1 to {MaxNameLength} characters without control characters");
            }
        }

        return null;
    }

    /// <summary>
    /// Replaces what the hub holds for <paramref name="nodeId"/> with <paramref name="report"/>,
    /// reported at <paramref name="now"/>. False when the report was refused (logged).
    /// </summary>
    public async Task<bool> ReplaceAsync(string nodeId, NodeAccounts report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        if (Check(report) is { } reason)
        {
            SyncLog.AccountsRejected(logger, nodeId, reason);
            Reports.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
            return false;
        }

        // PostgreSQL keeps microseconds: store what a later read returns.
        now = now.AddTicks(-(now.Ticks % 10));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.NodeAccounts.FromSql($"SELECT * FROM node_accounts WHERE node_id = {nodeId} ORDER BY uid FOR UPDATE")
            .ToDictionaryAsync(a => a.Uid, ct);
        var renamed = new List<(Stored.NodeAccount Row, string Name)>();
        int added = 0, changed = 0, vanished = 0, deleted = 0;
        foreach (var account in report.Accounts)
        {
            var fullName = FullName(account.FullName);
            if (!rows.Remove(account.Uid, out var row))
            {
                db.NodeAccounts.Add(new Stored.NodeAccount
                {
                    Id = Guid.NewGuid(), NodeId = nodeId, Uid = account.Uid, Name = account.Name, FullName = fullName, Present = true, ReportedAt = now,
                });
                added++;
                continue;
            }

            if (row.Name == account.Name && row.FullName == fullName && row.Present)
            {
                continue;
            }

            changed++;
            row.FullName = fullName;
            row.Present = true;
            if (row.Name != account.Name)
            {
                if (row.PersonId is null)
                {
                    row.Name = account.Name;
                }
                else
                {
                    renamed.Add((row, account.Name));
                }
            }
        }

        // What is left was not reported: a linked account stays, marked absent, until unlinked.
        foreach (var row in rows.Values)
        {
            if (row.PersonId is null)
            {
                db.NodeAccounts.Remove(row);
                deleted++;
            }
            else if (row.Present)
            {
                row.Present = false;
                vanished++;
            }
        }

        try
        {
            await db.SaveChangesAsync(ct);
            if (renamed.Count > 0)
            {
                // The name of a linked account is replicated (NodeAccountRecord.user_name): audited and published.
                foreach (var (row, name) in renamed)
                {
                    row.Name = name;
                }

                await changes.SaveAsync(db, new ChangeActor(null, "node " + nodeId), ct);
            }

            await db.Database.ExecuteSqlAsync($"UPDATE node_accounts SET reported_at = {now} WHERE node_id = {nodeId} AND present", ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or HubValidationException)
        {
            // E.g. the node was deleted meanwhile; the node sends its set again after it reconnects.
            SyncLog.AccountsRejected(logger, nodeId, ex.GetBaseException().Message);
            Reports.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
            return false;
        }

        SyncLog.AccountsReported(logger, nodeId, report.Accounts.Count, added, changed, vanished, deleted);
        Reports.Add(1, new KeyValuePair<string, object?>("outcome", "applied"));
        return true;
    }

    private static string FullName(string value)
    {
        var name = new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return name.Length <= MaxFullNameLength ? name : name[..MaxFullNameLength];
    }
}
