using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary>Bounded awaits and status assertions for admin calls.</summary>
public static class AdminCalls
{
    /// <summary>Awaits the response of <paramref name="call"/> at most <paramref name="timeout"/> (default 30 s).</summary>
    public static Task<T> WithTimeout<T>(this AsyncUnaryCall<T> call, TimeSpan? timeout = null) => call.ResponseAsync.WithTimeout(timeout);

    /// <summary>
    /// Asserts that <paramref name="call"/> fails with <paramref name="code"/> and, when given, that
    /// the status detail contains <paramref name="detail"/>; returns the exception.
    /// </summary>
    public static async Task<RpcException> FailsWith<T>(this AsyncUnaryCall<T> call, StatusCode code, string? detail = null)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout());
        Assert.True(code == error.StatusCode, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        if (detail is not null)
        {
            Assert.Contains(detail, error.Status.Detail, StringComparison.Ordinal);
        }

        return error;
    }

    /// <summary>The audit actions recorded for an entity id, oldest first.</summary>
    public static Task<List<string>> AuditActionsAsync(this AdminFixture fixture, string entityType, string entityId) =>
        fixture.QueryAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == entityType && a.EntityId == entityId)
            .OrderBy(a => a.Id)
            .Select(a => a.Action)
            .ToListAsync());

    /// <summary>How many rows of <typeparamref name="T"/> match <paramref name="predicate"/>.</summary>
    public static Task<int> CountAsync<T>(this AdminFixture fixture, System.Linq.Expressions.Expression<Func<T, bool>> predicate)
        where T : class =>
        fixture.QueryAsync(db => db.Set<T>().AsNoTracking().CountAsync(predicate));
}
