using EdgeAccess.Edge.LabPolicy.Grants;
using static EdgeAccess.Edge.LabPolicy.Tests.Grants.GrantTestKit;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>
/// The reconciler driven directly on a fake clock, running a real recording command: grants at a
/// booking's start, revokes at its end, runs nothing twice, refuses unsafe names, and catches up
/// after a restart.
/// </summary>
public sealed class GrantReconcilerTests : IDisposable
{
    private const string Ada = "a0000000-0000-4000-8000-000000000001";
    private const string Ben = "b0000000-0000-4000-8000-000000000002";

    private readonly GrantTestKit _kit = new();

    [Fact]
    public async Task Reconcile_BookingStartsAndEnds_GrantsAtStartRevokesAtEnd()
    {
        using var reconciler = _kit.Reconciler();
        var start = T0.AddMinutes(10);
        var inputs = new GrantInputs([Resource()], [Booking(Ada, start, TimeSpan.FromHours(1))], [Account("ada", 1001, Ada)]);

        await PassAsync(reconciler, inputs);
        Assert.Empty(_kit.Calls());

        _kit.Clock.Set(start.AddTicks(-1));
        await PassAsync(reconciler, inputs);
        Assert.Empty(_kit.Calls());

        _kit.Clock.Set(start);
        var granted = await PassAsync(reconciler, inputs);
        Assert.Equal(1, granted.Granted);
        Assert.Equal(["grant", "ada", Group, "1001", ResourceId], Assert.Single(_kit.Calls()));
        Assert.Equal(["ada"], _kit.Members());

        // The last instant of the booking still holds; its end does not (no grace for starting programs).
        _kit.Clock.Set(start.AddHours(1).AddTicks(-1));
        await PassAsync(reconciler, inputs);
        Assert.Single(_kit.Calls());

        _kit.Clock.Set(start.AddHours(1));
        var revoked = await PassAsync(reconciler, inputs);
        Assert.Equal(1, revoked.Revoked);
        Assert.Equal(["revoke", "ada", Group, "1001", ResourceId], _kit.Calls()[1]);
        Assert.Empty(_kit.Members());

        var events = await _kit.CommandEventsAsync();
        Assert.Equal([GrantReconciler.GrantKind, GrantReconciler.RevokeKind], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.True(e.Event.Succeeded));
        Assert.Equal(Ada, events[0].Event.PersonId);
        Assert.Equal(Group, events[0].Event.OsGroup);
        Assert.Equal([_kit.ScriptPath, "grant", "ada", Group, "1001", ResourceId], events[0].Event.Argv);
        Assert.Equal(0, events[0].Event.ExitCode);
    }

    [Fact]
    public async Task Reconcile_GrantSucceeded_IsNotRunAgainNorAfterRestart()
    {
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(2))], [Account("ada", 1001, Ada)]);
        using (var reconciler = _kit.Reconciler())
        {
            await PassAsync(reconciler, inputs);
            _kit.Clock.Advance(TimeSpan.FromSeconds(5));
            var second = await PassAsync(reconciler, inputs);
            Assert.Equal(new GrantPassResult(0, 0, 0, 0, 0), second);
        }

        using var restarted = _kit.Reconciler();
        _kit.Clock.Advance(TimeSpan.FromMinutes(1));
        await PassAsync(restarted, inputs);

        Assert.Single(_kit.Calls());
        Assert.Single(await _kit.CommandEventsAsync());
    }

    [Fact]
    public async Task Reconcile_PendingBookingOrOtherNode_GrantsNothing()
    {
        using var reconciler = _kit.Reconciler();
        const string otherResource = "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b";
        var inputs = new GrantInputs(
            [Resource(), Resource(otherResource, "otherlab", node: "lab-2")],
            [Booking(Ada, T0, TimeSpan.FromHours(1), pending: true), Booking(Ben, T0, TimeSpan.FromHours(1), otherResource)],
            [Account("ada", 1001, Ada), Account("ben", 1002, Ben), Account("ben", 1002, Ben, node: "lab-2")]);

        await PassAsync(reconciler, inputs);

        Assert.Empty(_kit.Calls());
    }

    [Theory]
    [InlineData("ada;touch PWNED")]
    [InlineData("-rf")]
    [InlineData("--help")]
    [InlineData("$(touch PWNED)")]
    [InlineData("ada\nroot")]
    [InlineData("ada PWNED")]
    [InlineData("Ada")]
    public async Task Reconcile_UnsafeUserName_IsRefusedJournaledOnceAndNeverExecuted(string userName)
    {
        using var reconciler = _kit.Reconciler();
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(1)), Booking(Ben, T0, TimeSpan.FromHours(1))],
            [Account(userName, 1001, Ada), Account("ben", 1002, Ben)]);

        var first = await PassAsync(reconciler, inputs);
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        var second = await PassAsync(reconciler, inputs);

        // Ben, whose name is fine, is granted; the unsafe name never reaches a command line.
        Assert.Equal(["grant", "ben", Group, "1002", ResourceId], Assert.Single(_kit.Calls()));
        Assert.False(File.Exists(Path.Combine(_kit.Folder, "PWNED")));
        Assert.False(File.Exists("PWNED"));
        Assert.Equal(1, first.Refused);
        Assert.Equal(0, second.Refused);
        var refused = Assert.Single(await _kit.CommandEventsAsync(), e => !e.Event.Succeeded);
        Assert.StartsWith("refused: the user name", refused.Event.Error, StringComparison.Ordinal);
        Assert.Empty(refused.Event.Argv);
        Assert.Equal(-1, refused.Event.ExitCode);
        // Data, not a broken command: no step towards maintenance.
        Assert.False(reconciler.IsInMaintenance(ResourceId));
        Assert.Equal(0, first.Failed);
    }

    [Fact]
    public async Task Reconcile_UnsafeGroupName_IsRefusedAndNeverExecuted()
    {
        using var reconciler = _kit.Reconciler();
        var inputs = new GrantInputs([Resource(group: "lab;reboot")], [Booking(Ada, T0, TimeSpan.FromHours(1))], [Account("ada", 1001, Ada)]);

        var result = await PassAsync(reconciler, inputs);

        Assert.Empty(_kit.Calls());
        Assert.Equal(1, result.Refused);
        Assert.Contains("group name", Assert.Single(await _kit.CommandEventsAsync()).Event.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_AfterOfflinePeriod_RevokesEndedGrantAndGrantsMissingOne()
    {
        // Before the restart: Ada's booking ran and was granted; Ben's had not started.
        var adaBooking = Booking(Ada, T0, TimeSpan.FromHours(1));
        var benBooking = Booking(Ben, T0.AddHours(2), TimeSpan.FromHours(1));
        GrantInputs inputs = new([Resource()], [adaBooking, benBooking], [Account("ada", 1001, Ada), Account("ben", 1002, Ben)]);
        using (var before = _kit.Reconciler())
        {
            await PassAsync(before, inputs);
        }

        Assert.Equal(["ada"], _kit.Members());

        // The node was down (or offline) while Ada's booking ended and Ben's began, and Ada's account link went away.
        _kit.Clock.Set(T0.AddHours(2).AddMinutes(30));
        using var after = _kit.Reconciler();
        var result = await PassAsync(after, new GrantInputs([Resource()], [benBooking], [Account("ben", 1002, Ben)]));

        Assert.Equal((1, 1), (result.Granted, result.Revoked));
        var calls = _kit.Calls();
        Assert.Equal(["revoke", "ada", Group, "1001", ResourceId], calls[1]);
        Assert.Equal(["grant", "ben", Group, "1002", ResourceId], calls[2]);
        Assert.Equal(["ben"], _kit.Members());
        Assert.Equal(["ben"], GrantState.Load(_kit.StatePath).Grants.Select(g => g.User));
    }

    [Fact]
    public async Task Restart_StateFileClaimsGrantOfEndedBooking_RevokesIt()
    {
        // A state file written by an earlier run (hand-made here), nothing in the replica any more.
        new GrantState
        {
            Grants = [new GrantEntry { Group = Group, User = "ada", Uid = 1001, PersonId = Ada, Resources = [ResourceId], GrantedAt = T0.AddDays(-1) }],
        }.Save(_kit.StatePath);
        using var reconciler = _kit.Reconciler();

        var result = await PassAsync(reconciler, GrantInputs.Empty);

        Assert.Equal(1, result.Revoked);
        Assert.Equal(["revoke", "ada", Group, "1001", ResourceId], Assert.Single(_kit.Calls()));
        Assert.Empty(GrantState.Load(_kit.StatePath).Grants);
    }

    [Fact]
    public async Task Reconcile_TwoResourcesShareAGroup_KeepsMembershipWhileEitherIsBooked()
    {
        const string second = "7a7a7a7a-1111-4222-8333-444455556666";
        using var reconciler = _kit.Reconciler();
        var accounts = new[] { Account("ada", 1001, Ada) };
        var bookings = new[] { Booking(Ada, T0, TimeSpan.FromHours(1)), Booking(Ada, T0, TimeSpan.FromHours(2), second) };
        var inputs = new GrantInputs([Resource(), Resource(second)], bookings, accounts);

        await PassAsync(reconciler, inputs);
        _kit.Clock.Set(T0.AddHours(1));
        await PassAsync(reconciler, inputs);
        Assert.Single(_kit.Calls());

        _kit.Clock.Set(T0.AddHours(2));
        await PassAsync(reconciler, inputs);
        Assert.Equal("revoke", _kit.Calls()[1][0]);
        Assert.Equal(second, _kit.Calls()[1][4]);
    }

    public void Dispose() => _kit.Dispose();
}
