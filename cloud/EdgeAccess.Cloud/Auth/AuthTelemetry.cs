using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud.Auth;

/// <summary>
/// Sign-in telemetry on the hub's <c>EdgeAccess.Cloud</c> meter and activity source. Tags never
/// carry user names, passwords or tokens: a mistyped password often lands in the user name field.
/// </summary>
internal static class AuthTelemetry
{
    /// <summary>The span of one login attempt.</summary>
    public const string LoginActivity = "edgeaccess.auth.login";

    /// <summary>The span of one token refresh.</summary>
    public const string RefreshActivity = "edgeaccess.auth.refresh";

    /// <summary>Failed logins by reason: <c>bad_password</c>, <c>unknown_user</c>, <c>inactive</c>, <c>locked</c>.</summary>
    public static readonly Counter<long> LoginFailures = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.auth.login.failures", "{attempt}", "Failed login attempts, by reason.");

    /// <summary>Starts a span of the auth flow (null when nobody listens).</summary>
    public static Activity? Start(string name) => CloudTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal);

    /// <summary>Records the outcome of a login on its span, and a failure on the counter.</summary>
    public static void Outcome(Activity? activity, LoginOutcome outcome, Guid? userId)
    {
        var reason = outcome switch
        {
            LoginOutcome.Success => null,
            LoginOutcome.UnknownUser => "unknown_user",
            LoginOutcome.Inactive => "inactive",
            LoginOutcome.BadPassword => "bad_password",
            _ => "locked",
        };
        if (reason is not null)
        {
            LoginFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.auth.outcome", reason ?? "success");
            if (userId is { } id)
            {
                // OpenTelemetry semantic conventions: enduser.id.
                activity.SetTag("enduser.id", id.ToString());
            }
        }

        if (reason is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, reason);
        }
    }
}
