using System.Security.Cryptography;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Admin.Common;

/// <summary>
/// Makes creates idempotent by client request id: the first answer to (caller, request id) is
/// stored in the same transaction as the entity it created and replayed for every retry, so a
/// client that lost the answer can safely send the request again. Reusing a request id for a
/// different request is refused with ALREADY_EXISTS.
/// </summary>
public sealed class Idempotency(TimeProvider time)
{
    /// <summary>Longest accepted request id.</summary>
    public const int MaxRequestIdLength = 100;

    /// <summary>
    /// Runs <paramref name="create"/> once per (caller, <paramref name="requestId"/>). Without a
    /// request id it simply runs it. <paramref name="create"/> must save through
    /// <c>HubChanges.SaveAsync</c>, which joins the transaction opened here.
    /// </summary>
    public async Task<TResponse> CreateAsync<TResponse>(
        HubDbContext db,
        Caller caller,
        string requestId,
        IMessage request,
        MessageParser<TResponse> parser,
        Func<Task<TResponse>> create,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        if (string.IsNullOrEmpty(requestId))
        {
            return await create().ConfigureAwait(false);
        }

        if (requestId.Length > MaxRequestIdLength || requestId.Any(char.IsControl))
        {
            throw ApiErrors.Invalid("request_id", $"must be at most {MaxRequestIdLength} printable characters");
        }

        var method = request.Descriptor.FullName;
        var hash = SHA256.HashData(request.ToByteArray());
        var replay = await FindAsync(db, caller, requestId, method, hash, parser, cancellationToken).ConfigureAwait(false);
        if (replay is not null)
        {
            return replay;
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var response = await create().ConfigureAwait(false);
            db.IdempotencyKeys.Add(new IdempotencyKey
            {
                ActorId = caller.UserId,
                RequestId = requestId,
                Method = method,
                RequestHash = hash,
                Response = response.ToByteArray(),
                CreatedAt = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (IsKeyRace(ex))
        {
            // A concurrent retry with the same request id won; answer what it answered.
            db.ChangeTracker.Clear();
            return await FindAsync(db, caller, requestId, method, hash, parser, cancellationToken).ConfigureAwait(false)
                ?? throw ApiErrors.AlreadyExists($"request_id {requestId} is being used by a concurrent request");
        }
    }

    private static async Task<TResponse?> FindAsync<TResponse>(HubDbContext db, Caller caller, string requestId, string method, byte[] hash, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var stored = await db.IdempotencyKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.ActorId == caller.UserId && k.RequestId == requestId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return default;
        }

        if (stored.Method != method || !stored.RequestHash.AsSpan().SequenceEqual(hash))
        {
            throw ApiErrors.AlreadyExists($"request_id {requestId} was already used for a different request");
        }

        return parser.ParseFrom(stored.Response);
    }

    private static bool IsKeyRace(Exception exception) =>
        exception is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "idempotency_keys_pkey" } };
}
