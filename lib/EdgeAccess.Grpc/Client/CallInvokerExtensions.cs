using EdgeAccess.Grpc.Client.Internal;
using EdgeAccess.Grpc.Interceptors;

namespace EdgeAccess.Grpc.Client;

/// <summary>Client interceptors.</summary>
public static class CallInvokerExtensions
{
    /// <summary>Routes calls through <paramref name="interceptors"/>; the first one listed runs first.</summary>
    public static CallInvoker Intercept(this CallInvoker invoker, params Interceptor[] interceptors)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            invoker = new InterceptingCallInvoker(invoker, interceptors[i]);
        }

        return invoker;
    }
}
