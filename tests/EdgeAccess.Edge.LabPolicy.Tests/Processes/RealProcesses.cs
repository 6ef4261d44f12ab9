namespace EdgeAccess.Edge.LabPolicy.Tests.Processes;

/// <summary>
/// The tests on real processes with timing bounds (interval + grace) and the 2,000-process scan:
/// run one after another and after the parallel tests, so one test's process storm does not slow
/// another's /proc scans past its bounds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealProcesses
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Real processes";
}
