namespace EdgeAccess.Grpc.Tests.Infrastructure;

/// <summary>
/// Tests that observe process-wide state (ActivityListener, MeterListener, GC heap size) run alone,
/// after the parallel tests, so other tests' calls do not show up in what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
