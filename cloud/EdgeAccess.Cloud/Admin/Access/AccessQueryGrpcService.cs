using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Access;

/// <summary>
/// The <c>edgeaccess.v1.AccessQueryService</c> admin API: explain access and who can open a door,
/// answered by <see cref="AccessExplainer"/>. A card number is hashed on arrival and never
/// answered, logged or put in an error; an unknown one is an answer (UNKNOWN_CARD), not an error.
/// </summary>
public sealed class AccessQueryGrpcService(
    HubDbContext db,
    CardNumberHasher hasher,
    TimeProvider time,
    ILogger<AccessQueryGrpcService> logger,
    ILogger<AccessExplainer> explainerLogger) : AccessQueryService.ServiceBase
{
    private readonly AccessExplainer _explainer = new(explainerLogger);

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<ExplainAccessResponse> ExplainAccess(ExplainAccessRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var doorId = Validate.Id(request.DoorId, "door_id");
        var at = At(request.At);
        AccessExplanation? explanation;
        switch (request.CardCase)
        {
            case ExplainAccessRequest.CardOneofCase.CardId:
                explanation = await _explainer.ExplainAsync(db, Validate.Id(request.CardId, "card_id"), doorId, at, ct);
                break;
            case ExplainAccessRequest.CardOneofCase.CardNumber:
                // Errors name the field only: the number never appears in a status, log or span.
                var number = CardRules.Number(hasher, request.CardNumber, "card_number");
                explanation = await _explainer.ExplainByNumberHashAsync(db, number.Hash, doorId, at, ct);
                break;
            default:
                throw ApiErrors.Invalid("card_id", "one of card_id or card_number is required");
        }

        if (explanation is null)
        {
            throw ApiErrors.NotFound("door", doorId);
        }

        var cardKey = request.CardCase == ExplainAccessRequest.CardOneofCase.CardNumber ? "number" : "id";
        AccessLog.Explained(logger, caller.Username, cardKey, explanation.Card?.Id, doorId, explanation.Reason.ToString());
        return explanation.ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<WhoCanOpenResponse> WhoCanOpen(WhoCanOpenRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var doorId = Validate.Id(request.DoorId, "door_id");
        var at = At(request.At);

        // An unset `at` means "now" for every page; the token stays valid across pages then.
        var fingerprint = $"who-can-open|{doorId}|{(request.At is null ? "now" : ExplainText.Format(at))}|{request.IncludePinRequired}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var result = await _explainer.WhoCanOpenAsync(db, doorId, at, new WhoCanOpenQuery(page.After, page.Size + 1, request.IncludePinRequired), context.CancellationToken)
            ?? throw ApiErrors.NotFound("door", doorId);

        var entries = result.Entries.ToList();
        var response = new WhoCanOpenResponse
        {
            NextPageToken = page.NextToken(entries, e => e.CardId, fingerprint),
            At = AccessQueryMapping.ToTimestamp(result.At),
            LocalTime = ExplainText.Local(result.LocalTime),
            Door = result.Door.ToMessage(),
        };
        response.Entries.AddRange(entries.Select(e => e.ToMessage()));
        AccessLog.WhoCanOpen(logger, caller.Username, doorId, entries.Count);
        return response;
    }

    private Instant At(Timestamp? at) => Instant.FromDateTimeOffset(Validate.Time(at, "at") ?? time.GetUtcNow());
}
