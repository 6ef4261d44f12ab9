using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;

namespace EdgeAccess.Cloud.Auth;

/// <summary>The signed-in user making a call, as established by the auth interceptor.</summary>
public sealed record Caller(Guid UserId, string Username, UserRole Role, Guid? PersonId, Guid SessionId)
{
    internal static readonly object Key = new();

    /// <summary>The audit identity of this caller, with the client's request id if any.</summary>
    public ChangeActor ToActor(string? requestId = null) => new(UserId, Username, requestId);
}

/// <summary>Reads the caller the auth interceptor attached to a call.</summary>
public static class CallerExtensions
{
    /// <summary>The signed-in caller; throws when the RPC is anonymous.</summary>
    public static Caller GetCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Caller.Key, out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException("No caller on this call: is the RPC [Anonymous] or the auth interceptor missing?");

    /// <summary>The signed-in caller, or null for an anonymous call.</summary>
    public static Caller? FindCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Caller.Key, out var caller) ? caller as Caller : null;

    internal static void SetCaller(this ServerCallContext context, Caller caller) => context.UserState[Caller.Key] = caller;
}
