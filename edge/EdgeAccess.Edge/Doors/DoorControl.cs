using System.Collections.Concurrent;
using System.Text.Json;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.Doors;

/// <summary>
/// The node's door state beyond card decisions: a site lockdown (every tap denied until released;
/// kept in <c>lockdown.json</c> so it survives a restart — a power cut must not lift a lockdown)
/// and momentary remote unlocks. Each change is journaled, so the hub sees when it took effect.
/// </summary>
public sealed class DoorControl
{
    /// <summary>Journal kind of a remote unlock.</summary>
    public const string UnlockKind = "door.unlock";

    /// <summary>Journal kind of a lockdown set or released.</summary>
    public const string LockdownKind = "site.lockdown";

    private const string LockdownFile = "lockdown.json";
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unlockedUntil = new(StringComparer.Ordinal);
    private readonly ReplicaIndexLoader _loader;
    private readonly TimeProvider _time;
    private readonly string _path;
    private volatile LockdownState? _lockdown;

    /// <summary>Loads the persisted lockdown, if any.</summary>
    public DoorControl(ReplicaIndexLoader loader, IOptions<AccessPointOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _loader = loader;
        _time = time;
        _path = Path.Combine(options.Value.DataDirectory, LockdownFile);
        if (File.Exists(_path))
        {
            _lockdown = JsonSerializer.Deserialize<LockdownState>(File.ReadAllText(_path));
        }
    }

    /// <summary>The active lockdown, or null.</summary>
    public LockdownState? Lockdown => _lockdown;

    /// <summary>Until when a door is held unlocked by a remote command, or null (never during a lockdown).</summary>
    public DateTimeOffset? UnlockedUntil(string doorId) =>
        _lockdown is null && _unlockedUntil.TryGetValue(doorId, out var until) && until > _time.GetUtcNow() ? until : null;

    /// <summary>Sets or releases the lockdown, persists it (fsynced) and journals the change.</summary>
    public async Task SetLockdownAsync(bool active, string reason, string issuedBy, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var state = active ? new LockdownState(reason, issuedBy, now) : null;
        if (state is null)
        {
            File.Delete(_path);
        }
        else
        {
            var temporary = _path + ".tmp";
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await JsonSerializer.SerializeAsync(stream, state, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, _path, overwrite: true);
        }

        _lockdown = state;
        if (state is not null)
        {
            _unlockedUntil.Clear(); // a lockdown closes doors held open by a remote unlock
        }
        var payload = new Struct
        {
            Fields =
            {
                ["active"] = Value.ForBool(active),
                ["reason"] = Value.ForString(reason),
                ["issued_by"] = Value.ForString(issuedBy),
            },
        };
        await _loader.Journal.AppendAsync(LockdownKind, payload.ToByteArray(), now, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Releases a door momentarily. The door must be in the replica. The release is journaled
    /// before it is reported, like a decision.
    /// </summary>
    /// <returns>Until when the door is released, or null for a door this node does not know.</returns>
    public async Task<DateTimeOffset?> UnlockAsync(string doorId, TimeSpan duration, string issuedBy, CancellationToken cancellationToken)
    {
        if (_loader.Holder?.Current is not { } index || !index.HasDoor(doorId))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var until = now + duration;
        var payload = new Struct
        {
            Fields =
            {
                ["door_id"] = Value.ForString(doorId),
                ["seconds"] = Value.ForNumber(duration.TotalSeconds),
                ["issued_by"] = Value.ForString(issuedBy),
            },
        };
        await _loader.Journal.AppendAsync(UnlockKind, payload.ToByteArray(), now, cancellationToken).ConfigureAwait(false);
        _unlockedUntil[doorId] = until;
        return until;
    }

    /// <summary>A lockdown as persisted.</summary>
    /// <param name="Reason">What the operator gave as the reason.</param>
    /// <param name="IssuedBy">The operator's login.</param>
    /// <param name="Since">When the node entered it.</param>
    public sealed record LockdownState(string Reason, string IssuedBy, DateTimeOffset Since);
}
