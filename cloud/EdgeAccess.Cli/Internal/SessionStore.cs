using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAccess.Cli.Internal;

/// <summary>A signed-in session as kept on disk: the hub it belongs to and its token pair.</summary>
internal sealed record StoredSession(
    [property: JsonPropertyName("hub")] string Hub,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("access_expire_time")] DateTimeOffset? AccessExpireTime,
    [property: JsonPropertyName("refresh_expire_time")] DateTimeOffset? RefreshExpireTime);

[JsonSerializable(typeof(StoredSession))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class SessionJsonContext : JsonSerializerContext;

/// <summary>
/// <c>session.json</c> in the CLI's config directory. The tokens are credentials, so the file is
/// created with mode 0600 (its directory 0700) and replaced atomically: it is never readable by
/// others, not even for a moment while it is written.
/// </summary>
internal sealed class SessionStore(string directory)
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    /// <summary>The session file's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(directory, "session.json");

    /// <summary>The stored session, or null when there is none (or it cannot be read).</summary>
    public StoredSession? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(Path), SessionJsonContext.Default.StoredSession);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="session"/> with mode 0600, replacing any earlier one.</summary>
    public void Save(StoredSession session)
    {
        var json = JsonSerializer.Serialize(session, SessionJsonContext.Default.StoredSession);
        var temp = $"{Path}.{Environment.ProcessId}.tmp";
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(temp, json);
        }
        else
        {
            Directory.CreateDirectory(directory, DirectoryMode);
            File.Delete(temp);
            var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = FileMode };
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(json);
            }

            // UnixCreateMode applies only to a new file (and is masked by the umask): set it anyway.
            File.SetUnixFileMode(temp, FileMode);
        }

        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>Forgets the session.</summary>
    public void Delete() => File.Delete(Path);
}
