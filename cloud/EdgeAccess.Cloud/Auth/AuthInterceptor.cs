using System.Diagnostics;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Interceptors;
using EdgeAccess.Grpc.Server;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// Runs before every RPC of the hub: finds the RPC's rule in the <see cref="PermissionMap"/>,
/// authenticates the bearer token against the sessions table (one indexed query, so a logout or a
/// deactivation counts at once on every hub instance) and checks the caller's role. The caller is
/// attached to the call for the service (<see cref="CallerExtensions.GetCaller"/>).
/// </summary>
internal sealed class AuthInterceptor(PermissionMap permissions, SessionStore sessions, ILogger<AuthInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async ValueTask AuthorizeAsync(ServerCallContext context)
    {
        var method = context.Method;
        var access = permissions.Find(method);
        if (access is null)
        {
            // Mapped, but nobody declared who may call it: refuse rather than guess.
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{method} has no access rule on this hub"));
        }

        if (access.Anonymous)
        {
            return;
        }

        var token = BearerTokens.FromHeaders(context.RequestHeaders);
        if (string.IsNullOrEmpty(token))
        {
            AuthLog.CallUnauthenticated(logger, method, "no bearer token");
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "missing bearer token: sign in with edgeaccess.v1.AuthService/Login and send \"authorization: Bearer <access_token>\""));
        }

        var caller = BearerTokens.IsWellFormed(token) ? await sessions.FindCallerAsync(token, context.CancellationToken) : null;
        if (caller is null)
        {
            AuthLog.CallUnauthenticated(logger, method, "unknown or expired access token");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "access token is invalid or expired: refresh it or sign in again"));
        }

        if (!access.Allows(caller.Role))
        {
            AuthLog.CallPermissionDenied(logger, method, caller.UserId, caller.Role.ToString());
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{method} requires role {access.Describe()}; you are {caller.Role}"));
        }

        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("enduser.id", caller.UserId.ToString());
            activity.SetTag("enduser.role", caller.Role.ToString());
        }

        context.SetCaller(caller);
    }
}
