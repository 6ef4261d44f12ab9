using System.Text.Json;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>
/// The engine's persisted state as a small JSON file, replaced atomically: written to a temporary
/// file, fsynced, then renamed over the old one (rename(2) is atomic), so a crash leaves either the
/// old or the new state, never half of one.
/// </summary>
public static class LabPolicyStateFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads the state; null when the file is missing or unreadable (a damaged file is moved aside).</summary>
    public static LabPolicyState? Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<LabPolicyState>(File.ReadAllBytes(path), Json);
            return state is { Episodes: not null } ? state : null;
        }
        catch (JsonException)
        {
            File.Move(path, path + ".damaged", overwrite: true);
            return null;
        }
    }

    /// <summary>Writes the state atomically.</summary>
    public static void Save(string path, LabPolicyState state)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
