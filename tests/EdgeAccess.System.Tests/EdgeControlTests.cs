using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using EdgeAccess.SystemTests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;

namespace EdgeAccess.SystemTests;

/// <summary>Node identity, commands from the hub and replica integrity, with real edge processes.</summary>
public sealed class EdgeControlTests : IAsyncLifetime
{
    private readonly SystemWorld _world = new();

    public Task InitializeAsync() => _world.InitializeAsync();

    public Task DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_second_process_with_the_same_node_identity_is_refused_and_the_first_keeps_syncing()
    {
        var site = await _world.CreateSiteAsync();
        var card = await _world.AddCardholderAsync(site, "04BB000001");
        var first = await _world.StartEdgeAsync(site);
        await first.WaitForAsync(site.Door, "04BB000001", DoorDecisionReason.Granted);

        // A clone: the same credential file in another data folder (a copied disk image).
        var clone = new EdgeProcess(first.NodeId, _world.Link.Port, enrollmentCode: null);
        await using var _ = clone;
        Directory.CreateDirectory(clone.DataDirectory);
        File.Copy(Path.Combine(first.DataDirectory, "node-credential.json"), Path.Combine(clone.DataDirectory, "node-credential.json"));
        clone.Start();
        await WaitForOutputAsync(clone, "already has an open sync stream");

        await _world.BlockCardAsync(card);
        await first.WaitForAsync(site.Door, "04BB000001", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_revoked_node_is_cut_off_and_keeps_deciding_locally()
    {
        var site = await _world.CreateSiteAsync();
        await _world.AddCardholderAsync(site, "04BB000002");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04BB000002", DoorDecisionReason.Granted);

        await _world.Nodes.RevokeNodeAsync(new RevokeNodeRequest { NodeId = edge.NodeId }, _world.Admin).ResponseAsync.WithTimeout();
        await WaitForOutputAsync(edge, "refused node");
        Assert.True((await edge.TapAsync(site.Door, "04BB000002")).Granted);
    }

    [Fact]
    public async Task Lockdown_unlock_and_a_command_queued_while_offline_reach_the_edge()
    {
        var site = await _world.CreateSiteAsync();
        await _world.AddCardholderAsync(site, "04BB000003");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04BB000003", DoorDecisionReason.Granted);

        var lockdown = await SendAsync(edge, new SendCommandRequest { Lockdown = new SetLockdown { Active = true, Reason = "drill" } });
        await edge.WaitForAsync(site.Door, "04BB000003", DoorDecisionReason.Lockdown, TimeSpan.FromSeconds(10));
        await WaitForStateAsync(edge, lockdown, NodeCommandState.Succeeded);
        var locked = await edge.Doors.GetDoorStateAsync(new GetDoorStateRequest { DoorId = site.Door }).ResponseAsync.WithTimeout();
        Assert.True(locked.Lockdown);
        Assert.Equal("drill", locked.LockdownReason);

        // Queued while the building is offline, delivered when it is back.
        _world.Link.Cut();
        var release = await SendAsync(edge, new SendCommandRequest { Lockdown = new SetLockdown { Active = false } });
        await Task.Delay(500);
        Assert.Equal(DoorDecisionReason.Lockdown, (await edge.TapAsync(site.Door, "04BB000003")).Reason);
        _world.Link.Restore();
        await edge.WaitForAsync(site.Door, "04BB000003", DoorDecisionReason.Granted, TimeSpan.FromSeconds(30));
        await WaitForStateAsync(edge, release, NodeCommandState.Succeeded);

        var unlock = await SendAsync(edge, new SendCommandRequest { UnlockDoor = new UnlockDoor { DoorId = site.Door, Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(3)) } });
        var done = await WaitForStateAsync(edge, unlock, NodeCommandState.Succeeded);
        Assert.Contains("released until", done.ResultMessage, StringComparison.Ordinal);
        // The door's controller learns it from the node: held open now, for the 3 s asked.
        var held = await edge.Doors.GetDoorStateAsync(new GetDoorStateRequest { DoorId = site.Door }).ResponseAsync.WithTimeout();
        Assert.False(held.Lockdown);
        Assert.NotNull(held.UnlockedUntil);
        Assert.InRange(held.UnlockedUntil.ToDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => edge.Doors.GetDoorStateAsync(new GetDoorStateRequest { DoorId = "no-such-door" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        var events = await _world.HubJournalAsync(edge.NodeId);
        Assert.Contains(events, e => e.Kind == "site.lockdown");
        Assert.Contains(events, e => e.Kind == "door.unlock");
    }

    [Fact]
    public async Task A_forced_resync_reloads_the_replica_from_a_snapshot_and_reports_success()
    {
        var site = await _world.CreateSiteAsync();
        await _world.AddCardholderAsync(site, "04BB000005");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04BB000005", DoorDecisionReason.Granted);
        var snapshots = Count(edge.Output, "Snapshot at position");

        var resync = await SendAsync(edge, new SendCommandRequest { Resync = new ForceResync() });
        await WaitForStateAsync(edge, resync, NodeCommandState.Succeeded);
        await Eventually.UntilAsync(() => Count(edge.Output, "Snapshot at position") > snapshots, () => $"no second snapshot:\n{edge.Tail()}");

        Assert.True((await edge.TapAsync(site.Door, "04BB000005")).Granted);
    }

    [Fact]
    public async Task The_hub_shows_a_node_online_with_no_lag_then_offline_when_its_link_is_cut()
    {
        var site = await _world.CreateSiteAsync();
        await _world.AddCardholderAsync(site, "04BB000006");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04BB000006", DoorDecisionReason.Granted);

        var online = await WaitForNodeAsync(edge, n => n.Health == NodeHealth.Online && n.Lag == 0 && n.AckedPosition > 0);
        Assert.True(online.Connected);
        Assert.Equal(online.SiteHead, online.AckedPosition);

        _world.Link.Cut();
        await _world.AddCardholderAsync(site, "04BB000007"); // the site moves on without the node
        var offline = await WaitForNodeAsync(edge, n => n.Health == NodeHealth.Offline);
        Assert.True(offline.Lag > 0, $"lag {offline.Lag}");

        _world.Link.Restore();
        await WaitForNodeAsync(edge, n => n.Health == NodeHealth.Online && n.Lag == 0);
        await edge.WaitForAsync(site.Door, "04BB000007", DoorDecisionReason.Granted, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_node_rotates_its_token_and_keeps_syncing_with_the_new_one()
    {
        var site = await _world.CreateSiteAsync();
        var card = await _world.AddCardholderAsync(site, "04BB000008");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04BB000008", DoorDecisionReason.Granted);
        await edge.StopAsync();

        // Make the stored token look two days old: rotation is due at the next start.
        var path = Path.Combine(edge.DataDirectory, "node-credential.json");
        var stored = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var oldToken = (string)stored["Token"]!;
        stored["IssuedAt"] = DateTimeOffset.UtcNow.AddDays(-2).ToString("O");
        await File.WriteAllTextAsync(path, stored.ToJsonString());

        edge.Start();
        await WaitForOutputAsync(edge, "rotated its token");
        var rotated = (string)System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!["Token"]!;
        Assert.NotEqual(oldToken, rotated);
        Assert.DoesNotContain(rotated, edge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(oldToken, edge.Output, StringComparison.Ordinal);

        // After a restart the node connects with the new token.
        edge.Kill();
        edge.Start();
        await _world.BlockCardAsync(card);
        await edge.WaitForAsync(site.Door, "04BB000008", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(30));
    }

    private Task<Node> WaitForNodeAsync(EdgeProcess edge, Func<Node, bool> condition) => Eventually.UntilAsync(
        () => _world.Nodes.GetNodeAsync(new GetNodeRequest { NodeId = edge.NodeId }, _world.Admin).ResponseAsync.WithTimeout(),
        condition,
        node => $"node {edge.NodeId} stayed {node.Health}, lag {node.Lag}, acked {node.AckedPosition}/{node.SiteHead}",
        pollMs: 200);

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Fact]
    public async Task A_tampered_replica_is_detected_reported_and_repaired()
    {
        var site = await _world.CreateSiteAsync();
        var card = await _world.AddCardholderAsync(site, "04BB000004");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04BB000004", DoorDecisionReason.Granted);
        await _world.BlockCardAsync(card);
        await edge.WaitForAsync(site.Door, "04BB000004", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(10));
        // The digest the hub sent after catching up is stored; wait for it, then stop the node.
        await WaitForFileAsync(Path.Combine(edge.DataDirectory, "replica.digest.json"));
        await WaitForOutputAsync(edge, "Snapshot at position");
        await edge.StopAsync();

        // Someone with file access unblocks the card in the replica: the card row replaced by an active one.
        var replica = Path.Combine(edge.DataDirectory, "replica.db");
        await using (var connection = new SqliteConnection($"Data Source={replica};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT payload FROM records WHERE kind = $kind AND entity_id = $id";
            read.Parameters.AddWithValue("$kind", (int)RecordKind.Card);
            read.Parameters.AddWithValue("$id", card.Id);
            var record = CardRecord.Parser.ParseFrom((byte[])(await read.ExecuteScalarAsync())!);
            Assert.Equal(CardStatus.Blocked, record.Status);
            record.Status = CardStatus.Active;
            await using var write = connection.CreateCommand();
            write.CommandText = "UPDATE records SET payload = $payload WHERE kind = $kind AND entity_id = $id";
            write.Parameters.AddWithValue("$payload", Google.Protobuf.MessageExtensions.ToByteArray(record));
            write.Parameters.AddWithValue("$kind", (int)RecordKind.Card);
            write.Parameters.AddWithValue("$id", card.Id);
            Assert.Equal(1, await write.ExecuteNonQueryAsync());
        }

        edge.Start();
        // Detected (at start, and by the hub's digest), journaled, repaired by a snapshot: blocked again.
        await WaitForOutputAsync(edge, "SECURITY");
        await edge.WaitForAsync(site.Door, "04BB000004", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => _world.HubJournalAsync(edge.NodeId), events => events.Any(e => e.Kind == "replica.tampered"),
            _ => "no replica.tampered event at the hub");
    }

    private async Task<NodeCommandStatus> SendAsync(EdgeProcess edge, SendCommandRequest request)
    {
        request.NodeId = edge.NodeId;
        return await _world.Nodes.SendCommandAsync(request, _world.Admin).ResponseAsync.WithTimeout();
    }

    private async Task<NodeCommandStatus> WaitForStateAsync(EdgeProcess edge, NodeCommandStatus sent, NodeCommandState state) => await Eventually.UntilAsync(
        async () => (await _world.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = edge.NodeId }, _world.Admin).ResponseAsync.WithTimeout())
            .Commands.Single(c => c.Command.Id == sent.Command.Id),
        current => current.State == state,
        current => $"command {sent.Command.Id} is {current.State} ({current.ResultMessage}), expected {state}");

    private static Task WaitForOutputAsync(EdgeProcess edge, string text) =>
        Eventually.UntilAsync(() => edge.Output.Contains(text, StringComparison.Ordinal), () => $"edge never printed \"{text}\":\n{edge.Tail()}");

    private static Task WaitForFileAsync(string path) => Eventually.UntilAsync(() => File.Exists(path), () => $"{path} never appeared");
}
