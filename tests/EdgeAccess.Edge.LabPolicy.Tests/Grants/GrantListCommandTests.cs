using EdgeAccess.Edge.LabPolicy.Grants;
using static EdgeAccess.Edge.LabPolicy.Tests.Grants.GrantTestKit;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>With a getent-style list command, what the OS reports is the actual state, limited to names EdgeAccess knows.</summary>
public sealed class GrantListCommandTests : IDisposable
{
    private const string Ada = "a0000000-0000-4000-8000-000000000001";
    private const string Ben = "b0000000-0000-4000-8000-000000000002";

    private readonly GrantTestKit _kit = new();

    [Fact]
    public async Task Reconcile_HandAddedUnlinkedMember_IsNeverRevoked()
    {
        _kit.AddByHand("carol");
        using var reconciler = _kit.Reconciler(list: true);
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(1))], [Account("ada", 1001, Ada)]);

        await PassAsync(reconciler, inputs);
        _kit.Clock.Set(T0.AddHours(1));
        await PassAsync(reconciler, inputs);

        Assert.Equal([["grant", "ada", Group, "1001", ResourceId], ["revoke", "ada", Group, "1001", ResourceId]], _kit.Calls());
        Assert.Equal(["carol"], _kit.Members());
        Assert.Equal(["list", Group], _kit.ListCalls()[0]);
    }

    [Fact]
    public async Task Reconcile_LinkedMemberWithoutBooking_IsRevoked()
    {
        // Ben is an EdgeAccess-linked account put in the group by hand; he holds no booking.
        _kit.AddByHand("ben");
        using var reconciler = _kit.Reconciler(list: true);

        var result = await PassAsync(reconciler, new GrantInputs([Resource()], [], [Account("ben", 1002, Ben)]));

        Assert.Equal(1, result.Revoked);
        Assert.Equal(["revoke", "ben", Group, "1002", ResourceId], Assert.Single(_kit.Calls()));
        Assert.Empty(_kit.Members());
    }

    [Fact]
    public async Task Reconcile_GrantedMemberRemovedByHand_IsGrantedAgain()
    {
        using var reconciler = _kit.Reconciler(list: true);
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(1))], [Account("ada", 1001, Ada)]);
        await PassAsync(reconciler, inputs);

        File.WriteAllText(Path.Combine(_kit.Folder, "group." + Group), "");
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        var again = await PassAsync(reconciler, inputs);

        Assert.Equal(1, again.Granted);
        Assert.Equal(2, _kit.Calls().Count(c => c[0] == "grant"));
        Assert.Equal(["ada"], _kit.Members());
    }

    [Fact]
    public async Task Reconcile_MemberAlreadyPresent_IsNotGrantedAgain()
    {
        // Granted before the state file existed (lost, or an earlier install): the list shows it.
        _kit.AddByHand("ada");
        using var reconciler = _kit.Reconciler(list: true);
        var inputs = new GrantInputs([Resource()], [Booking(Ada, T0, TimeSpan.FromHours(1))], [Account("ada", 1001, Ada)]);

        await PassAsync(reconciler, inputs);
        Assert.Empty(_kit.Calls());

        // Recorded now, so its end is revoked.
        _kit.Clock.Set(T0.AddHours(1));
        await PassAsync(reconciler, inputs);
        Assert.Equal(["revoke", "ada", Group, "1001", ResourceId], Assert.Single(_kit.Calls()));
    }

    [Fact]
    public async Task Reconcile_ListFails_CountsTowardsMaintenance()
    {
        using var reconciler = _kit.Reconciler(list: true, maxFailures: 2);
        _kit.Failing("list");
        var inputs = new GrantInputs([Resource()], [], [Account("ada", 1001, Ada)]);

        var first = await PassAsync(reconciler, inputs);
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        await PassAsync(reconciler, inputs);

        Assert.Equal(1, first.Failed);
        Assert.True(reconciler.IsInMaintenance(ResourceId));
        Assert.Contains("listing group labusers failed", Assert.Single(await _kit.MaintenanceEventsAsync()).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("labusers:x:4242:ada,ben,carol\n", new[] { "ada", "ben", "carol" })]
    [InlineData("labusers:x:4242:\n", new string[0])]
    [InlineData("ada ben\ncarol,dave\n", new[] { "ada", "ben", "carol", "dave" })]
    [InlineData("labusers:x:4242:ada,-rf,Bad,ok$\n", new[] { "ada", "ok$" })]
    public void ParseMembers_GetentAndPlainOutput_GivesValidNames(string output, string[] expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), GrantPlan.ParseMembers(output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ParseMembers_RealGetent_ReadsTheSystemGroupDatabase()
    {
        var runner = new CommandRunner(TimeSpan.FromSeconds(10), TimeProvider.System);

        var outcome = await runner.RunAsync(["/usr/bin/getent", "group", "root"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.StartsWith("root:", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", GrantPlan.ParseMembers(outcome.Output));
    }

    public void Dispose() => _kit.Dispose();
}
