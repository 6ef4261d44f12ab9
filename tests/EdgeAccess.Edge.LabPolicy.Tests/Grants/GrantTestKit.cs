using EdgeAccess.Edge.LabPolicy.Grants;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>A clock the tests set; timers (command timeouts) still run on real time.</summary>
public sealed class GrantClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>Sets the clock.</summary>
    public void Set(DateTimeOffset now)
    {
        lock (_lock)
        {
            _now = now;
        }
    }

    /// <summary>Moves the clock on.</summary>
    public void Advance(TimeSpan by) => Set(GetUtcNow() + by);
}

/// <summary>
/// A temporary folder with a real command, <c>cmd.sh</c>, configured as grant, revoke and list
/// command: it appends its argv to <c>calls.log</c> (one <c>[arg]</c> per argument), keeps each
/// group's members in a file as gpasswd would, lists them as <c>getent group</c> prints
/// (<c>name:x:gid:a,b</c>), and fails with exit 1 while a <c>fail-&lt;mode&gt;</c> marker exists.
/// Also a real event journal and the reconciler's state file.
/// </summary>
public sealed class GrantTestKit : IDisposable
{
    /// <summary>The resource most tests book.</summary>
    public const string ResourceId = "6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";

    /// <summary>The node under test.</summary>
    public const string NodeId = "lab-1";

    /// <summary>The resource's OS group.</summary>
    public const string Group = "labusers";

    /// <summary>When the tests start.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string Script = """
        #!/bin/sh
        # A stand-in for gpasswd/getent: records its argv and keeps group members in files.
        dir="$(dirname "$0")"
        mode="$1"
        line=""
        for a in "$@"; do line="$line[$a]"; done
        if [ "$mode" = list ]; then printf '%s\n' "$line" >> "$dir/list.log"; else printf '%s\n' "$line" >> "$dir/calls.log"; fi
        if [ -e "$dir/fail-$mode" ]; then echo "$mode refused by the test: marker file present" >&2; exit 1; fi
        case "$mode" in
          grant) echo "$2" >> "$dir/group.$3" ;;
          revoke) if [ -e "$dir/group.$3" ]; then grep -vxF -- "$2" "$dir/group.$3" > "$dir/group.$3.tmp"; mv "$dir/group.$3.tmp" "$dir/group.$3"; fi ;;
          list) members=""; if [ -s "$dir/group.$2" ]; then members="$(paste -sd, "$dir/group.$2")"; fi; echo "$2:x:4242:$members" ;;
        esac
        exit 0

        """;

    public GrantTestKit()
    {
        Directory.CreateDirectory(Folder);
        ScriptPath = Path.Combine(Folder, "cmd.sh");
        File.WriteAllText(ScriptPath, Script.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Journal = EventJournal.Open(new ReplicaOptions { DataDirectory = Path.Combine(Folder, "data") });
    }

    /// <summary>The temporary folder.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "edgeaccess-grant-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The recording command.</summary>
    public string ScriptPath { get; }

    /// <summary>The clock of the reconciler.</summary>
    public GrantClock Clock { get; } = new(T0);

    /// <summary>The journal the reconciler writes.</summary>
    public EventJournal Journal { get; }

    /// <summary>The state file.</summary>
    public string StatePath => Path.Combine(Folder, "data", GrantState.FileName);

    /// <summary>The settings of a reconciler using the recording command (with the list command when <paramref name="list"/>).</summary>
    public GrantSettings Settings(bool list = false, int maxFailures = 3) => new()
    {
        NodeId = NodeId,
        GrantCommand = CommandTemplate.Parse("GrantCommand", [ScriptPath, "grant", "{user}", "{group}", "{uid}", "{resource}"]),
        RevokeCommand = CommandTemplate.Parse("RevokeCommand", [ScriptPath, "revoke", "{user}", "{group}", "{uid}", "{resource}"]),
        ListCommand = list ? CommandTemplate.Parse("ListCommand", [ScriptPath, "list", "{group}"]) : null,
        StatePath = StatePath,
        MaxConsecutiveFailures = maxFailures,
        CommandTimeout = TimeSpan.FromSeconds(10),
        RetryBackoff = TimeSpan.FromSeconds(5),
        MaxRetryBackoff = TimeSpan.FromMinutes(1),
    };

    /// <summary>A reconciler (as after a restart, each new one reads the state file).</summary>
    public GrantReconciler Reconciler(bool list = false, int maxFailures = 3) =>
        new(Settings(list, maxFailures), () => Journal, Clock, NullLogger<GrantReconciler>.Instance);

    /// <summary>The grant and revoke calls so far, each as its argv after the executable.</summary>
    public IReadOnlyList<string[]> Calls() => ReadCalls("calls.log");

    /// <summary>The list calls so far.</summary>
    public IReadOnlyList<string[]> ListCalls() => ReadCalls("list.log");

    /// <summary>The members of <paramref name="group"/> in the stand-in group database.</summary>
    public IReadOnlyList<string> Members(string group = Group)
    {
        var path = Path.Combine(Folder, "group." + group);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    /// <summary>Puts <paramref name="user"/> in the group as an admin would by hand.</summary>
    public void AddByHand(string user, string group = Group) => File.AppendAllText(Path.Combine(Folder, "group." + group), user + "\n");

    /// <summary>Makes the <paramref name="mode"/> command (grant, revoke, list) fail with exit 1, or work again.</summary>
    public void Failing(string mode, bool failing = true)
    {
        var marker = Path.Combine(Folder, "fail-" + mode);
        if (failing)
        {
            File.WriteAllText(marker, "");
        }
        else
        {
            File.Delete(marker);
        }
    }

    /// <summary>Every journal entry of <paramref name="kind"/>.</summary>
    public async Task<IReadOnlyList<JournalEntry>> JournalAsync(string kind)
    {
        var entries = await Journal.ReadUnackedAsync(0, 10_000).WaitAsync(TimeSpan.FromSeconds(30));
        return [.. entries.Where(e => e.Kind == kind)];
    }

    /// <summary>The lab.grant and lab.revoke events, in order.</summary>
    public async Task<IReadOnlyList<(string Kind, LabCommandEvent Event)>> CommandEventsAsync()
    {
        var entries = await Journal.ReadUnackedAsync(0, 10_000).WaitAsync(TimeSpan.FromSeconds(30));
        return [.. entries.Where(e => e.Kind is GrantReconciler.GrantKind or GrantReconciler.RevokeKind).Select(e => (e.Kind, LabCommandEvent.Parser.ParseFrom(e.Payload)))];
    }

    /// <summary>The lab.maintenance events, in order.</summary>
    public async Task<IReadOnlyList<LabMaintenanceEvent>> MaintenanceEventsAsync() =>
        [.. (await JournalAsync(GrantReconciler.MaintenanceKind)).Select(e => LabMaintenanceEvent.Parser.ParseFrom(e.Payload))];

    /// <summary>A lab resource run by this node with <see cref="Group"/>.</summary>
    public static ResourceRecord Resource(string id = ResourceId, string group = Group, string node = NodeId) => new()
    {
        Id = id,
        Name = "Spectrometer",
        NodeId = node,
        Active = true,
        LabPolicy = new Protos.V1.LabPolicy { Mode = LabPolicyMode.Enforce, OsGroup = group },
    };

    /// <summary>A booking of <paramref name="person"/> from <paramref name="start"/> for <paramref name="length"/>.</summary>
    public static BookingRecord Booking(string person, DateTimeOffset start, TimeSpan length, string resource = ResourceId, bool pending = false) => new()
    {
        Id = Guid.NewGuid().ToString(),
        ResourceId = resource,
        PersonId = person,
        StartsAt = Timestamp.FromDateTimeOffset(start),
        EndsAt = Timestamp.FromDateTimeOffset(start + length),
        Pending = pending,
    };

    /// <summary>An OS account of this node linked to <paramref name="person"/>.</summary>
    public static NodeAccountRecord Account(string user, long uid, string person, string node = NodeId) => new()
    {
        Id = Guid.NewGuid().ToString(),
        NodeId = node,
        Uid = uid,
        UserName = user,
        PersonId = person,
    };

    /// <summary>One pass, bounded.</summary>
    public static Task<GrantPassResult> PassAsync(GrantReconciler reconciler, GrantInputs inputs) =>
        reconciler.ReconcileAsync(inputs, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

    /// <inheritdoc/>
    public void Dispose()
    {
        Journal.Dispose();

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private IReadOnlyList<string[]> ReadCalls(string file)
    {
        var path = Path.Combine(Folder, file);
        return File.Exists(path)
            ? [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.TrimStart('[').TrimEnd(']').Split("]["))]
            : [];
    }
}
