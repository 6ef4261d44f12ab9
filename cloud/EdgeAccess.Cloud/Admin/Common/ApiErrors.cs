using EdgeAccess.Grpc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Admin.Common;

/// <summary>
/// The statuses the admin API answers with, so every service words them alike: bad input names the
/// field (INVALID_ARGUMENT), duplicates say what collides (ALREADY_EXISTS), stale etags and
/// references in use are FAILED_PRECONDITION, missing ids NOT_FOUND.
/// </summary>
public static class ApiErrors
{
    /// <summary>INVALID_ARGUMENT naming the field (protobuf field path, e.g. <c>card.valid_to</c>).</summary>
    public static RpcException Invalid(string field, string message) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {message}"));

    /// <summary>NOT_FOUND for an entity id.</summary>
    public static RpcException NotFound(string entity, object id) =>
        new(new Status(StatusCode.NotFound, $"{entity} {id} not found"));

    /// <summary>NOT_FOUND with a message of its own (e.g. a nesting that does not exist).</summary>
    public static RpcException NotFoundMessage(string message) => new(new Status(StatusCode.NotFound, message));

    /// <summary>ALREADY_EXISTS with what collides.</summary>
    public static RpcException AlreadyExists(string message) => new(new Status(StatusCode.AlreadyExists, message));

    /// <summary>FAILED_PRECONDITION with why.</summary>
    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));

    /// <summary>FAILED_PRECONDITION for an etag that no longer matches.</summary>
    public static RpcException StaleEtag(string entity, object id, long current) =>
        FailedPrecondition($"{entity} {id} was changed by someone else (current etag \"{current}\"); re-read it and retry");

    /// <summary>
    /// Maps what the database refused to the right status: unique violations to ALREADY_EXISTS,
    /// foreign keys to FAILED_PRECONDITION (still referenced) or NOT_FOUND-like INVALID_ARGUMENT,
    /// check constraints to INVALID_ARGUMENT, lost races on the version to FAILED_PRECONDITION.
    /// Returns null for anything else, which the caller rethrows (INTERNAL).
    /// </summary>
    public static RpcException? FromDatabase(Exception exception, string entity)
    {
        switch (exception)
        {
            case DbUpdateConcurrencyException:
                return FailedPrecondition($"{entity} was changed by someone else; re-read it and retry");
            case DbUpdateException { InnerException: PostgresException pg }:
                return FromPostgres(pg, entity);
            case PostgresException pg:
                return FromPostgres(pg, entity);
            default:
                return null;
        }
    }

    private static RpcException? FromPostgres(PostgresException pg, string entity) => pg.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => AlreadyExists($"{entity} already exists ({Describe(pg.ConstraintName)})"),
        PostgresErrorCodes.ForeignKeyViolation when pg.MessageText.Contains("still referenced", StringComparison.Ordinal) || pg.MessageText.Contains("update or delete", StringComparison.Ordinal) =>
            FailedPrecondition($"{entity} is still in use ({pg.TableName} references it); remove those first"),
        PostgresErrorCodes.ForeignKeyViolation => new RpcException(new Status(StatusCode.InvalidArgument, $"{Describe(pg.ConstraintName)}: refers to something that does not exist")),
        PostgresErrorCodes.CheckViolation => new RpcException(new Status(StatusCode.InvalidArgument, $"{Describe(pg.ConstraintName)}: violated")),
        _ => null,
    };

    private static string Describe(string? constraint) => constraint switch
    {
        null => "constraint",
        _ when constraint.EndsWith("_validity_check", StringComparison.Ordinal) => "valid_to: must be after valid_from",
        _ => constraint,
    };
}
