using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>Runs alone: meter and activity listeners see every hub in the process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AuthTelemetryCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "auth telemetry";
}

/// <summary>A hub logging everything (Trace) that locks after 3 failures.</summary>
public sealed class VerboseHub() : AuthHub(new Dictionary<string, string?>
{
    ["Logging:LogLevel:Default"] = "Trace",
    ["EdgeAccess:Auth:LockoutThreshold"] = "3",
});

/// <summary>What operators see of sign-ins (metrics, spans, logs, audit trail), and that no secret is in it.</summary>
[Collection(AuthTelemetryCollection.Name)]
public sealed class AuthTelemetryTests(VerboseHub hub) : IClassFixture<VerboseHub>
{
    [Fact]
    public async Task Login_Failures_CountedByReasonOnCloudMeter()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var reasons = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name == "edgeaccess.auth.login.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reasons.Enqueue($"{tag.Value}:{value}");
                }
            }
        });
        listener.Start();

        await Fail(AuthHub.NewUsername("nobody"), password);
        for (var i = 0; i < 3; i++)
        {
            await Fail(username, "wrong password!");
        }

        await AuthAssert.FailsWith(StatusCode.ResourceExhausted, () => hub.LoginAsync(username, password));

        Assert.Equal(["unknown_user:1", "bad_password:1", "bad_password:1", "bad_password:1", "locked:1"], reasons);
    }

    [Fact]
    public async Task Login_Attempt_SpanWithOutcomeAndUserIdOnly()
    {
        var (user, username, password) = await hub.CreateUserAsync();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "EdgeAccess.Cloud",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await Fail(username, "wrong password!");
        await hub.LoginAsync(username, password);

        var logins = spans.Where(s => s.OperationName == "edgeaccess.auth.login").ToList();
        Assert.Equal(2, logins.Count);
        Assert.Equal("bad_password", logins[0].GetTagItem("edgeaccess.auth.outcome"));
        Assert.Equal(ActivityStatusCode.Error, logins[0].Status);
        Assert.Equal("success", logins[1].GetTagItem("edgeaccess.auth.outcome"));
        Assert.Equal(user.Id, logins[1].GetTagItem("enduser.id"));
        Assert.All(logins.SelectMany(s => s.TagObjects), tag =>
        {
            Assert.DoesNotContain(password, tag.Value?.ToString() ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(username, tag.Value?.ToString() ?? "", StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AuthFlow_TraceLogging_NoPasswordOrTokenInAnyLog()
    {
        var (user, username, password) = await hub.CreateUserAsync();
        var secrets = new List<string> { password };

        // The password typed into the user name field must not show up either.
        await Fail(password, password);
        await Fail(username, "typo in my password");
        secrets.Add("typo in my password");
        var tokens = await hub.LoginAsync(username, password);
        var renewed = await hub.Auth.RefreshAsync(new RefreshRequest { RefreshToken = tokens.RefreshToken }).ResponseAsync.WithTimeout();
        await hub.Auth.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = password, NewPassword = "second secret phrase" },
            AuthHub.Bearer(renewed.AccessToken)).ResponseAsync.WithTimeout();
        await hub.Users.ResetPasswordAsync(new ResetPasswordRequest { Id = user.Id, NewPassword = "third secret phrase" }, hub.Admin).ResponseAsync.WithTimeout();
        secrets.AddRange(["second secret phrase", "third secret phrase", tokens.AccessToken, tokens.RefreshToken, renewed.AccessToken, renewed.RefreshToken]);
        var hash = await StoredHashAsync(user.Id);
        secrets.Add(hash);

        var logs = hub.Logs.Entries.ToList();

        Assert.Contains(logs, e => e.EventId.Id == 3301);
        Assert.Contains(logs, e => e.EventId.Id == 3300);
        Assert.Contains(logs, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs, e => e.Text.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task UserChanges_AuditTrail_RecordedWithoutPasswordHash()
    {
        var (user, _, _) = await hub.CreateUserAsync();
        await hub.Users.ResetPasswordAsync(new ResetPasswordRequest { Id = user.Id, NewPassword = "audited reset phrase" }, hub.Admin).ResponseAsync.WithTimeout();
        var hash = await StoredHashAsync(user.Id);

        await using var scope = hub.Host.CreateScope();
        var entries = await scope.ServiceProvider.GetRequiredService<HubDbContext>().AuditEntries.AsNoTracking()
            .Where(a => a.EntityId == user.Id).OrderBy(a => a.Id).ToListAsync().WithTimeout();

        Assert.Equal(["create", "update"], entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            var text = $"{e.Before} {e.After}";
            Assert.DoesNotContain("password_hash", text, StringComparison.Ordinal);
            Assert.DoesNotContain(hash, text, StringComparison.Ordinal);
            Assert.DoesNotContain("audited reset phrase", text, StringComparison.Ordinal);
        });
    }

    private Task Fail(string username, string password) =>
        AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, password));

    private async Task<string> StoredHashAsync(string userId)
    {
        await using var scope = hub.Host.CreateScope();
        var id = Guid.Parse(userId);
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Users.AsNoTracking()
            .Where(u => u.Id == id).Select(u => u.PasswordHash).SingleAsync().WithTimeout();
    }
}
