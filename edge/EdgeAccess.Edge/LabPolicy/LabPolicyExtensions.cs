namespace EdgeAccess.Edge.LabPolicy;

/// <summary>Wiring of the lab-process policy (issue 6).</summary>
public static class LabPolicyExtensions
{
    /// <summary>
    /// Registers the options (validated at start) and the <see cref="LabPolicyWorker"/>. Resources
    /// in maintenance come from the <see cref="Grants.IMaintenanceState"/> the grants register, if any.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessLabPolicy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LabPolicyOptions>().BindConfiguration(LabPolicyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LabPolicyWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LabPolicyWorker>());
        return builder;
    }
}
