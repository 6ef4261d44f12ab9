using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>A hub with the default lockout (10 failures, 15 minutes) and at most 25 failures an hour.</summary>
public sealed class LockoutHub() : AuthHub(new Dictionary<string, string?>
{
    ["EdgeAccess:Auth:MaxFailuresPerWindow"] = "25",
    ["Grpc:Web:AllowedOrigins:0"] = LockoutHub.BrowserOrigin,
})
{
    /// <summary>The browser app's origin, allowed by CORS.</summary>
    public const string BrowserOrigin = "http://app.example.test";
}

/// <summary>Login throttling, whose state lives in the user row, driven by the hub's clock.</summary>
public sealed class LoginLockoutTests(LockoutHub hub) : IClassFixture<LockoutHub>
{
    private const string WrongPassword = "definitely wrong";

    [Fact]
    public async Task Login_TenFailures_LockedWithRetryAfterThenUnlocked()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        await FailAsync(username, 10);
        var lockedUntil = hub.Clock.GetUtcNow().AddMinutes(15);

        var locked = await AuthAssert.FailsWith(StatusCode.ResourceExhausted, () => hub.LoginAsync(username, password));

        var retryAt = new DateTimeOffset((lockedUntil.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        Assert.Equal(
            $"account temporarily locked after repeated failed logins; retry after {retryAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}",
            locked.Status.Detail);
        var seconds = int.Parse(locked.Trailers.GetValue("retry-after-seconds")!, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 900, 901);

        hub.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        await AuthAssert.FailsWith(StatusCode.ResourceExhausted, () => hub.LoginAsync(username, password));
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        await hub.LoginAsync(username, password);
        Assert.Equal((0, (DateTimeOffset?)null), await ThrottleStateAsync(username));
    }

    [Fact]
    public async Task Login_NineFailuresThenSuccess_CounterReset()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        await FailAsync(username, 9);
        await hub.LoginAsync(username, password);

        await FailAsync(username, 9);

        await hub.LoginAsync(username, password);
    }

    [Fact]
    public async Task Login_LockExpired_TenMoreFailuresLockAgain()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        await FailAsync(username, 10);
        hub.Clock.Advance(TimeSpan.FromMinutes(15));

        await FailAsync(username, 9);
        Assert.Equal(19, (await ThrottleStateAsync(username)).Failures);
        await FailAsync(username, 1);

        await AuthAssert.FailsWith(StatusCode.ResourceExhausted, () => hub.LoginAsync(username, password));
    }

    [Fact]
    public async Task Login_ConcurrentFailures_CountedExactly()
    {
        var (_, username, _) = await hub.CreateUserAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 7).Select(_ => OutcomeAsync(username, WrongPassword)));

        Assert.All(outcomes, code => Assert.Equal(StatusCode.Unauthenticated, code));
        Assert.Equal(7, (await ThrottleStateAsync(username)).Failures);
    }

    [Fact]
    public async Task Login_ConcurrentFailuresBeyondThreshold_ExactlyTenCountedRestLocked()
    {
        var (_, username, _) = await hub.CreateUserAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => OutcomeAsync(username, WrongPassword)));

        Assert.Equal(10, outcomes.Count(c => c == StatusCode.Unauthenticated));
        Assert.Equal(15, outcomes.Count(c => c == StatusCode.ResourceExhausted));
        var state = await ThrottleStateAsync(username);
        Assert.Equal(10, state.Failures);
        Assert.NotNull(state.LockedUntil);
    }

    [Fact]
    public async Task Login_HourlyLimitReached_LockedUntilWindowEnds()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var windowEnd = hub.Clock.GetUtcNow().AddHours(1);
        await FailAsync(username, 10);
        hub.Clock.Advance(TimeSpan.FromMinutes(15));
        await FailAsync(username, 10);
        hub.Clock.Advance(TimeSpan.FromMinutes(15));

        await FailAsync(username, 5);

        Assert.Equal((25, (DateTimeOffset?)windowEnd), await ThrottleStateAsync(username));
        hub.Clock.Advance(TimeSpan.FromMinutes(29));
        await AuthAssert.FailsWith(StatusCode.ResourceExhausted, () => hub.LoginAsync(username, password));
        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        await hub.LoginAsync(username, password);
    }

    [Fact]
    public async Task ResetPassword_LockedUser_UnlockedAndSignsInWithNewPassword()
    {
        var (user, username, _) = await hub.CreateUserAsync();
        await FailAsync(username, 10);

        var reset = await hub.Users.ResetPasswordAsync(new ResetPasswordRequest { Id = user.Id, NewPassword = "fresh start 2024" }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Null(reset.LockExpireTime);
        await hub.LoginAsync(username, "fresh start 2024");
    }

    [Fact]
    public async Task Login_LockedOverGrpcWebFromBrowser_RetryAfterReadableByScript()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        await FailAsync(username, 10);
        var message = new LoginRequest { Username = username, Password = password }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        using var http = new HttpClient { BaseAddress = hub.Host.WebAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/edgeaccess.v1.AuthService/Login") { Content = new ByteArrayContent(frame) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        request.Headers.Add("Origin", LockoutHub.BrowserOrigin);
        request.Headers.Add("X-Grpc-Web", "1");

        using var response = await http.SendAsync(request).WithTimeout();

        // Trailers-only: the status and trailers come as HTTP headers, which a script sees only when exposed.
        Assert.Equal("8", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.InRange(int.Parse(Assert.Single(response.Headers.GetValues("retry-after-seconds")), CultureInfo.InvariantCulture), 1, 900);
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("retry-after-seconds", exposed, StringComparer.OrdinalIgnoreCase);
    }

    private async Task FailAsync(string username, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, WrongPassword));
        }
    }

    private async Task<StatusCode> OutcomeAsync(string username, string password)
    {
        try
        {
            await hub.LoginAsync(username, password);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    private async Task<(int Failures, DateTimeOffset? LockedUntil)> ThrottleStateAsync(string username)
    {
        await using var scope = hub.Host.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Users.AsNoTracking()
            .SingleAsync(u => u.Username == username).WithTimeout();
        return (user.FailedLogins, user.LockedUntil);
    }
}
