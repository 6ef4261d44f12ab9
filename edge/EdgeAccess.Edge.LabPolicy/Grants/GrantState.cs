using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>
/// What this node granted and how its resources fare, kept in a small JSON file in the edge data
/// folder (<c>lab-grants.json</c>) so a restart knows what to revoke even when the bookings and
/// account links that caused a grant are gone. Replaced atomically (write, fsync, rename): a crash
/// leaves the old or the new state, never half of one.
/// </summary>
public sealed class GrantState
{
    /// <summary>The default file name in the data folder.</summary>
    public const string FileName = "lab-grants.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The format version.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The memberships this node put in place and has not revoked.</summary>
    public List<GrantEntry> Grants { get; set; } = [];

    /// <summary>Failure counts and maintenance per resource id (only resources that have either).</summary>
    public Dictionary<string, ResourceHealth> Resources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Reads the state; an empty one when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a grant state.</exception>
    public static GrantState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new GrantState();
        }

        try
        {
            var state = JsonSerializer.Deserialize<GrantState>(File.ReadAllBytes(path), Json) ?? throw new InvalidDataException($"{path} is empty.");
            state.Grants.RemoveAll(g => g is null || string.IsNullOrEmpty(g.Group) || string.IsNullOrEmpty(g.User));
            state.Resources = new Dictionary<string, ResourceHealth>(state.Resources, StringComparer.Ordinal);
            return state;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a grant state: {ex.Message}", ex);
        }
    }

    /// <summary>Stores the state durably, replacing the previous file.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The health record of <paramref name="resourceId"/>, created when missing.</summary>
    internal ResourceHealth Health(string resourceId)
    {
        if (!Resources.TryGetValue(resourceId, out var health))
        {
            health = new ResourceHealth();
            Resources[resourceId] = health;
        }

        return health;
    }
}

/// <summary>One OS group membership this node granted.</summary>
public sealed class GrantEntry
{
    /// <summary>The OS group.</summary>
    public string Group { get; set; } = "";

    /// <summary>The login name.</summary>
    public string User { get; set; } = "";

    /// <summary>The uid (for the revoke command's <c>{uid}</c> after the link is gone).</summary>
    public long Uid { get; set; }

    /// <summary>The person the account was linked to when granted.</summary>
    public string PersonId { get; set; } = "";

    /// <summary>The resources whose bookings wanted the membership (sorted).</summary>
    public List<string> Resources { get; set; } = [];

    /// <summary>When it was granted.</summary>
    public DateTimeOffset GrantedAt { get; set; }
}

/// <summary>How the grant commands of one resource fare.</summary>
public sealed class ResourceHealth
{
    /// <summary>Reconcile passes in a row in which a command for the resource failed.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>The last failure's message.</summary>
    public string LastError { get; set; } = "";

    /// <summary>The resource is in maintenance: nobody may run its programs; everybody is revoked.</summary>
    public bool Maintenance { get; set; }

    /// <summary>Since when it is in maintenance.</summary>
    public DateTimeOffset? MaintenanceSince { get; set; }

    /// <summary>When a maintenance resource tries its real desired state again (not persisted: a restart tries at once).</summary>
    [JsonIgnore]
    public DateTimeOffset TrialAt { get; set; }

    /// <summary>Nothing worth keeping.</summary>
    [JsonIgnore]
    internal bool IsClear => ConsecutiveFailures == 0 && !Maintenance;
}
