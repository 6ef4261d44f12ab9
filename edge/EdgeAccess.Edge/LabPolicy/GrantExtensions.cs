using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.LabPolicy.Accounts;
using EdgeAccess.Edge.LabPolicy.Grants;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>Wiring of the OS grants that follow bookings and of the OS account report (issue 6).</summary>
public static class GrantExtensions
{
    /// <summary>
    /// Registers the options (validated at start), the <see cref="GrantReconciler"/> (also as
    /// <see cref="IMaintenanceState"/>; a node without grant commands has no resource in
    /// maintenance), the <see cref="AccountReporter"/> and their workers.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessLabGrants(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LabGrantOptions>().BindConfiguration(LabGrantOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LabAccountOptions>().BindConfiguration(LabAccountOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LabGrantOptions>>().Value;
            var loader = sp.GetRequiredService<ReplicaIndexLoader>();
            var settings = new GrantSettings
            {
                NodeId = sp.GetRequiredService<IOptions<EdgeOptions>>().Value.NodeId,
                GrantCommand = CommandTemplate.Parse(nameof(options.GrantCommand), options.GrantCommand ?? []),
                RevokeCommand = CommandTemplate.Parse(nameof(options.RevokeCommand), options.RevokeCommand ?? []),
                ListCommand = options.ListCommand is { Length: > 0 } list ? CommandTemplate.Parse(nameof(options.ListCommand), list) : null,
                StatePath = string.IsNullOrWhiteSpace(options.StatePath)
                    ? Path.Combine(sp.GetRequiredService<IOptions<AccessPointOptions>>().Value.DataDirectory, GrantState.FileName)
                    : options.StatePath,
                MaxConsecutiveFailures = options.MaxConsecutiveFailures,
                CommandTimeout = options.CommandTimeout,
                RetryBackoff = options.RetryBackoff,
                MaxRetryBackoff = options.MaxRetryBackoff,
            };
            return new GrantReconciler(settings, () => loader.Journal, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<GrantReconciler>>(),
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        });
        builder.Services.AddSingleton<IMaintenanceState>(sp => sp.GetRequiredService<IOptions<LabGrantOptions>>().Value.Enabled
            ? sp.GetRequiredService<GrantReconciler>()
            : NoMaintenance.Instance);
        builder.Services.AddHostedService<GrantWorker>();
        builder.Services.AddSingleton(sp => new AccountReporter(
            sp.GetRequiredService<IOptions<LabAccountOptions>>().Value.PasswdPath, sp.GetRequiredService<ILogger<AccountReporter>>()));
        builder.Services.AddHostedService<AccountReportWorker>();
        return builder;
    }

    private sealed class NoMaintenance : IMaintenanceState
    {
        public static readonly NoMaintenance Instance = new();

        public bool IsInMaintenance(string resourceId) => false;
    }
}
