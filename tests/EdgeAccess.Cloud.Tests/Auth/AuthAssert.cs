using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>Asserts on the status a call ends with.</summary>
public static class AuthAssert
{
    /// <summary>Awaits <paramref name="call"/> and asserts it fails with <paramref name="code"/>; returns the exception.</summary>
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WithTimeout());
        Assert.True(ex.StatusCode == code, $"expected {code}, got {ex.StatusCode}: {ex.Status.Detail}");
        return ex;
    }
}
