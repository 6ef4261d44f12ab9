using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Nodes;

internal sealed partial class NodeGrpcService
{
    internal const string AccountKind = "node account";

    /// <summary>The largest uid (uid_t is 32 bits unsigned; 0011's node_accounts_uid_check).</summary>
    internal const long MaxUid = uint.MaxValue;

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListNodeAccountsResponse> ListAccounts(ListNodeAccountsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        if (!await db.Nodes.AnyAsync(n => n.Id == id, ct))
        {
            throw ApiErrors.NotFound(Kind, id);
        }

        var query = db.NodeAccounts.AsNoTracking().Where(a => a.NodeId == id);
        if (request.LinkedOnly)
        {
            query = query.Where(a => a.PersonId != null);
        }

        // A node reports its whole passwd set (at most NodeAccountSync.MaxAccounts), so one answer holds it.
        var rows = await query.OrderBy(a => a.Uid).ToListAsync(ct);
        var response = new ListNodeAccountsResponse();
        response.Accounts.AddRange(rows.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<NodeAccount> LinkAccount(LinkNodeAccountRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        var uid = Uid(request.Uid);
        var personId = Validate.Id(request.PersonId, "person_id");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var account = await LockAccountAsync(id, uid, ct);
        if (!await db.People.AnyAsync(p => p.Id == personId, ct))
        {
            throw ApiErrors.NotFound("person", personId);
        }

        if (account.PersonId != personId)
        {
            account.PersonId = personId;
            account.LinkedAt = AdminFields.Truncate(time.GetUtcNow());
            account.LinkedBy = caller.UserId;
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), AccountKind, ct);
            NodeLog.AccountLinked(logger, caller.Username, id, uid, personId);
        }

        await transaction.CommitAsync(ct);
        return ToProto(account);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<NodeAccount> UnlinkAccount(UnlinkNodeAccountRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        var uid = Uid(request.Uid);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var account = await LockAccountAsync(id, uid, ct);
        if (account.PersonId is not null)
        {
            account.PersonId = null;
            account.LinkedAt = null;
            account.LinkedBy = null;

            // A row stays while the node reports the account or while it is linked (0011): one the
            // node no longer reports goes with its link, as the next report would remove it.
            if (!account.Present)
            {
                db.NodeAccounts.Remove(account);
            }

            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), AccountKind, ct);
            NodeLog.AccountUnlinked(logger, caller.Username, id, uid);
        }

        await transaction.CommitAsync(ct);
        return ToProto(account);
    }

    /// <summary>The API form of an account.</summary>
    internal static NodeAccount ToProto(Stored.NodeAccount a)
    {
        var message = new NodeAccount
        {
            NodeId = a.NodeId,
            Uid = a.Uid,
            Name = a.Name,
            FullName = a.FullName,
            PersonId = a.PersonId?.ToString() ?? "",
            Present = a.Present,
            ReportTime = AdminFields.ToTimestamp(a.ReportedAt),
        };
        if (a.PersonId is not null && a.LinkedAt is { } linked)
        {
            message.LinkTime = AdminFields.ToTimestamp(linked);
        }

        return message;
    }

    private static long Uid(long value) =>
        value is >= 0 and <= MaxUid ? value : throw ApiErrors.Invalid("uid", "must be between 0 and 4294967295");

    /// <summary>
    /// The account, locked until the transaction ends: the node's account report locks the same
    /// rows, so a link never lands on a row the report is deleting. NOT_FOUND names the node when
    /// it does not exist, else the account.
    /// </summary>
    private async Task<Stored.NodeAccount> LockAccountAsync(string nodeId, long uid, CancellationToken ct)
    {
        var account = (await db.NodeAccounts.FromSql($"SELECT * FROM node_accounts WHERE node_id = {nodeId} AND uid = {uid} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (account is not null)
        {
            return account;
        }

        throw await db.Nodes.AnyAsync(n => n.Id == nodeId, ct)
            ? ApiErrors.NotFoundMessage($"node {nodeId} reports no account with uid {uid}")
            : ApiErrors.NotFound(Kind, nodeId);
    }
}
