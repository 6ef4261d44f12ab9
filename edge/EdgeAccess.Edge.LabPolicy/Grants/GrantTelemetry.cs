using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAccess.Edge.Replica;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>The grant reconciler's span and instruments, on the edge node's source and meter <c>EdgeAccess.Edge</c>.</summary>
public static class GrantTelemetry
{
    /// <summary>Span: one reconcile pass that ran grant or revoke commands.</summary>
    public const string ReconcileActivity = "lab.grants.reconcile";

    /// <summary>Counter: grant, revoke and list commands run (tag <c>edgeaccess.command</c>).</summary>
    public const string CommandsRun = "edgeaccess.lab.commands.run";

    /// <summary>Counter: commands that failed or were refused (tags <c>edgeaccess.command</c>, <c>error.type</c>).</summary>
    public const string CommandsFailed = "edgeaccess.lab.commands.failed";

    /// <summary>Gauge: resources of this node in maintenance.</summary>
    public const string ResourcesInMaintenance = "edgeaccess.lab.maintenance.resources";

    internal static readonly ActivitySource ActivitySource = new(ReplicaTelemetry.MeterName, "1.0.0");

    /// <summary>The instruments of one reconciler.</summary>
    internal sealed class Instruments
    {
        public Instruments(IMeterFactory? factory, Func<int> inMaintenance)
        {
            var meter = factory?.Create(new MeterOptions(ReplicaTelemetry.MeterName) { Version = "1.0.0" }) ?? new Meter(ReplicaTelemetry.MeterName, "1.0.0");
            Run = meter.CreateCounter<long>(CommandsRun, "{command}", "Grant, revoke and list commands the lab-policy reconciler ran.");
            Failed = meter.CreateCounter<long>(CommandsFailed, "{command}", "Grant, revoke and list commands that failed (non-zero exit, timeout, did not start) or were refused (invalid value).");
            meter.CreateObservableGauge(ResourcesInMaintenance, inMaintenance, "{resource}", "Resources of this node in maintenance: their grant commands kept failing; nobody may run their programs.");
        }

        public Counter<long> Run { get; }

        public Counter<long> Failed { get; }
    }
}
