using EdgeAccess.Edge.LabPolicy.Grants;
using static EdgeAccess.Edge.LabPolicy.Tests.Grants.GrantTestKit;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>Failing commands: backoff, maintenance after N failed passes (fail closed), recovery.</summary>
public sealed class GrantMaintenanceTests : IDisposable
{
    private const string Ada = "a0000000-0000-4000-8000-000000000001";
    private const string Ben = "b0000000-0000-4000-8000-000000000002";

    private readonly GrantTestKit _kit = new();

    [Fact]
    public async Task Failures_ReachLimit_EnterMaintenanceJournaledAndPersisted()
    {
        using var reconciler = _kit.Reconciler(maxFailures: 3);
        var changed = 0;
        reconciler.MaintenanceChanged += (_, _) => changed++;
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(4))], [Account("ada", 1001, Ada)]);
        _kit.Failing("grant");

        var first = await PassAsync(reconciler, inputs);
        Assert.Equal(1, first.Failed);

        // Not retried before its backoff (5 s, then 10 s).
        _kit.Clock.Advance(TimeSpan.FromSeconds(4));
        var early = await PassAsync(reconciler, inputs);
        Assert.Equal((0, 1), (early.Failed, early.Deferred));
        Assert.Single(_kit.Calls());

        _kit.Clock.Advance(TimeSpan.FromSeconds(1));
        await PassAsync(reconciler, inputs);
        Assert.False(reconciler.IsInMaintenance(ResourceId));
        _kit.Clock.Advance(TimeSpan.FromSeconds(10));
        await PassAsync(reconciler, inputs);

        Assert.Equal(3, _kit.Calls().Count);
        Assert.True(reconciler.IsInMaintenance(ResourceId));
        Assert.Equal(1, changed);
        var failures = await _kit.CommandEventsAsync();
        Assert.Equal([1, 2, 3], failures.Select(e => e.Event.ConsecutiveFailures));
        Assert.All(failures, e => Assert.False(e.Event.Succeeded));
        Assert.All(failures, e => Assert.Equal(1, e.Event.ExitCode));
        Assert.Contains("marker file present", failures[0].Event.Error, StringComparison.Ordinal);
        var maintenance = Assert.Single(await _kit.MaintenanceEventsAsync());
        Assert.True(maintenance.Active);
        Assert.Equal(ResourceId, maintenance.ResourceId);
        Assert.Equal(3, maintenance.ConsecutiveFailures);
        Assert.Contains("marker file present", maintenance.Reason, StringComparison.Ordinal);

        // Persisted: after a restart the enforcement engine fails closed from the first moment.
        using var restarted = _kit.Reconciler();
        Assert.True(restarted.IsInMaintenance(ResourceId));
        Assert.True(GrantState.Load(_kit.StatePath).Resources[ResourceId].Maintenance);
    }

    [Fact]
    public async Task Maintenance_RevokesEverybodyAndKeepsRetrying()
    {
        using var reconciler = _kit.Reconciler(maxFailures: 2);
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(4)), Booking(Ben, T0.AddMinutes(1), TimeSpan.FromHours(4))],
            [Account("ada", 1001, Ada), Account("ben", 1002, Ben)]);
        await PassAsync(reconciler, inputs);
        Assert.Equal(["ada"], _kit.Members());

        // Ben's grant fails twice: maintenance. Then Ada, granted before, is revoked too.
        _kit.Failing("grant");
        _kit.Clock.Set(T0.AddMinutes(1));
        await PassAsync(reconciler, inputs);
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        await PassAsync(reconciler, inputs);
        Assert.True(reconciler.IsInMaintenance(ResourceId));

        _kit.Failing("revoke");
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        var failedRevoke = await PassAsync(reconciler, inputs);
        Assert.Equal(1, failedRevoke.Failed);
        Assert.Equal(["ada"], _kit.Members());

        _kit.Failing("revoke", false);
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        var revoked = await PassAsync(reconciler, inputs);
        Assert.Equal(1, revoked.Revoked);
        Assert.Empty(_kit.Members());
        Assert.True(reconciler.IsInMaintenance(ResourceId));
        Assert.Equal(["revoke", "ada", Group, "1001", ResourceId], _kit.Calls()[^1]);
    }

    [Fact]
    public async Task Maintenance_CommandsWorkAgain_FullReconcileLeavesIt()
    {
        using var reconciler = _kit.Reconciler(maxFailures: 1);
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(4))], [Account("ada", 1001, Ada)]);
        _kit.Failing("grant");
        await PassAsync(reconciler, inputs);
        Assert.True(reconciler.IsInMaintenance(ResourceId));

        // Still failing: the trial at the backoff fails, maintenance stays (no flapping).
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        await PassAsync(reconciler, inputs);
        Assert.True(reconciler.IsInMaintenance(ResourceId));
        Assert.Single(await _kit.MaintenanceEventsAsync());

        // Before the next trial is due, nothing runs.
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        await PassAsync(reconciler, inputs);
        Assert.Equal(2, _kit.Calls().Count);

        _kit.Failing("grant", false);
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        var recovered = await PassAsync(reconciler, inputs);

        Assert.Equal(1, recovered.Granted);
        Assert.False(reconciler.IsInMaintenance(ResourceId));
        Assert.Equal(["ada"], _kit.Members());
        var events = await _kit.MaintenanceEventsAsync();
        Assert.Equal([true, false], events.Select(e => e.Active));
        Assert.False(GrantState.Load(_kit.StatePath).Resources.ContainsKey(ResourceId));
    }

    [Fact]
    public async Task Maintenance_NothingBooked_LeavesAtTrial()
    {
        using var reconciler = _kit.Reconciler(maxFailures: 1);
        var booking = Booking(Ada, T0, TimeSpan.FromMinutes(1));
        var inputs = new GrantInputs([Resource()], [booking], [Account("ada", 1001, Ada)]);
        _kit.Failing("grant");
        await PassAsync(reconciler, inputs);
        Assert.True(reconciler.IsInMaintenance(ResourceId));

        _kit.Clock.Advance(TimeSpan.FromMinutes(2));
        await PassAsync(reconciler, inputs);

        Assert.False(reconciler.IsInMaintenance(ResourceId));
    }

    public void Dispose() => _kit.Dispose();
}
