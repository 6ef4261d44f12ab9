using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    private const int MaxGroups = 100;
    private const int MinutesPerYear = 366 * 24 * 60;

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<ResourceRules> GetResourceRules(GetResourceRulesRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.ResourceId, "resource_id");
        var rules = await db.BookingRules.AsNoTracking().Include(r => r.Groups).SingleOrDefaultAsync(r => r.ResourceId == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(ResourceKind, id);
        return rules.ToProto();
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<ResourceRules> UpdateResourceRules(UpdateResourceRulesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Rules ?? throw ApiErrors.Invalid("rules", "is required");
        var id = Validate.Id(input.ResourceId, "rules.resource_id");
        var etag = Validate.Etag(input.Etag, "rules.etag");
        var groups = AdminFields.ReadIds(input.AllowedGroupIds, "rules.allowed_group_ids", MaxGroups);
        var rules = await db.BookingRules.Include(r => r.Groups).SingleOrDefaultAsync(r => r.ResourceId == id, ct) ?? throw ApiErrors.NotFound(ResourceKind, id);
        AdminWrites.CheckEtag(db, rules, id, etag, RulesKind);
        ApplyRules(rules, input);
        var known = await db.Groups.Where(g => groups.Contains(g.Id)).Select(g => g.Id).ToListAsync(ct);
        for (var i = 0; i < groups.Count; i++)
        {
            if (!known.Contains(groups[i]))
            {
                throw ApiErrors.Invalid(AdminFields.Indexed("rules.allowed_group_ids", i), $"group {groups[i]} does not exist");
            }
        }

        var groupsChanged = !rules.Groups.Select(g => g.GroupId).ToHashSet().SetEquals(groups);
        rules.Groups.RemoveAll(g => !groups.Contains(g.GroupId));
        rules.Groups.AddRange(groups.Where(g => rules.Groups.All(x => x.GroupId != g)).Select(g => new Stored.BookingRuleGroup { ResourceId = id, GroupId = g }));
        if (groupsChanged && db.Entry(rules).State == EntityState.Unchanged)
        {
            rules.Version++;
        }

        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), RulesKind, ct);
            BookingLog.Admin(logger, caller.Username, "updated", RulesKind, id);
        }

        return rules.ToProto();
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<Blackout> CreateBlackout(CreateBlackoutRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Blackout ?? throw ApiErrors.Invalid("blackout", "is required");
        var resourceId = Validate.Id(input.ResourceId, "blackout.resource_id");
        var span = ReadSpan(input.StartTime, input.EndTime, "blackout.start_time", "blackout.end_time");
        var reason = Validate.OptionalText(input.Reason, "blackout.reason", 500) ?? "";
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Blackout.Parser, async () =>
        {
            if (!await db.BookingResources.AnyAsync(r => r.Id == resourceId, ct))
            {
                throw ApiErrors.Invalid("blackout.resource_id", $"resource {resourceId} does not exist");
            }

            var blackout = new Stored.BookingBlackout { Id = AdminWrites.NewId(time), ResourceId = resourceId, StartsAt = span.Start, EndsAt = span.End, Reason = reason };
            db.BookingBlackouts.Add(blackout);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), BlackoutKind, ct);
            BookingLog.Admin(logger, caller.Username, "created", BlackoutKind, blackout.Id);
            return blackout.ToProto();
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<ListBlackoutsResponse> ListBlackouts(ListBlackoutsRequest request, ServerCallContext context)
    {
        var resourceId = Validate.Id(request.ResourceId, "resource_id");
        var (from, to) = AdminFields.Window(request.From, request.To, "from", "to");
        var query = db.BookingBlackouts.AsNoTracking().Where(b => b.ResourceId == resourceId);
        if (from is { } f)
        {
            query = query.Where(b => b.EndsAt > f);
        }

        if (to is { } t)
        {
            query = query.Where(b => b.StartsAt < t);
        }

        var response = new ListBlackoutsResponse();
        response.Blackouts.AddRange((await query.OrderBy(b => b.StartsAt).Take(Page.MaxSize).ToListAsync(context.CancellationToken)).Select(b => b.ToProto()));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<Empty> DeleteBlackout(DeleteBlackoutRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var blackout = await db.BookingBlackouts.SingleOrDefaultAsync(b => b.Id == id, ct) ?? throw ApiErrors.NotFound(BlackoutKind, id);
        AdminWrites.CheckEtag(db, blackout, id, etag, BlackoutKind);
        db.BookingBlackouts.Remove(blackout);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), BlackoutKind, ct);
        BookingLog.Admin(logger, caller.Username, "deleted", BlackoutKind, id);
        return new Empty();
    }

    // 0 for slot and durations means the default; every other value is taken as sent.
    private static void ApplyRules(Stored.BookingRules rules, ResourceRules input)
    {
        var slot = Minutes(input.SlotMinutes, "rules.slot_minutes", 1440, orDefault: 15);
        var min = Minutes(input.MinDurationMinutes, "rules.min_duration_minutes", 1440 * 31, orDefault: slot);
        var max = Minutes(input.MaxDurationMinutes, "rules.max_duration_minutes", 1440 * 31, orDefault: Math.Max(min, 480));
        if (max < min)
        {
            throw ApiErrors.Invalid("rules.max_duration_minutes", "must be at least rules.min_duration_minutes");
        }

        rules.SlotMinutes = slot;
        rules.MinDurationMinutes = min;
        rules.MaxDurationMinutes = max;
        rules.MinNoticeMinutes = Minutes(input.MinNoticeMinutes, "rules.min_notice_minutes", MinutesPerYear);
        rules.MaxNoticeMinutes = Minutes(input.MaxNoticeMinutes, "rules.max_notice_minutes", MinutesPerYear * 2);
        rules.BufferMinutes = Minutes(input.BufferMinutes, "rules.buffer_minutes", 1440);
        rules.MaxActive = Minutes(input.MaxActive, "rules.max_active", 10_000);
        rules.QuotaMinutes = Minutes(input.QuotaMinutes, "rules.quota_minutes", MinutesPerYear);
        rules.QuotaPeriod = input.QuotaPeriod switch
        {
            Protos.V1.QuotaPeriod.Day => Stored.BookingQuotaPeriod.Day,
            Protos.V1.QuotaPeriod.Month => Stored.BookingQuotaPeriod.Month,
            Protos.V1.QuotaPeriod.Week or Protos.V1.QuotaPeriod.Unspecified => Stored.BookingQuotaPeriod.Week,
            _ => throw ApiErrors.Invalid("rules.quota_period", "must be QUOTA_PERIOD_DAY, QUOTA_PERIOD_WEEK or QUOTA_PERIOD_MONTH"),
        };
        rules.ApprovalRequired = input.ApprovalRequired;
        rules.CancelCutoffMinutes = Minutes(input.CancelCutoffMinutes, "rules.cancel_cutoff_minutes", MinutesPerYear);
        rules.EarlyEntryMinutes = Minutes(input.EarlyEntryMinutes, "rules.early_entry_minutes", 1440);
        rules.GraceMinutes = Minutes(input.GraceMinutes, "rules.grace_minutes", 1440);
        rules.CheckInWindowMinutes = Minutes(input.CheckInWindowMinutes, "rules.check_in_window_minutes", 1440);
        rules.NoShowRelease = input.NoShowRelease;
    }

    private static int Minutes(int value, string field, int max, int orDefault = 0) =>
        value < 0 || value > max
            ? throw ApiErrors.Invalid(field, $"must be between 0 and {max}")
            : value == 0 ? orDefault : value;
}
