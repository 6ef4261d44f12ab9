using System.Text.Json;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// The node's identity at the hub: its site and its current node token. Kept in
/// <c>node-credential.json</c> in the data folder, readable by the node's user only, replaced
/// atomically (write, fsync, rename) so a crash during a token rotation leaves the old or the new
/// token, never half of one.
/// </summary>
/// <param name="NodeId">The node id the token belongs to.</param>
/// <param name="SiteId">The site the node serves (from enrollment).</param>
/// <param name="Token">The node token (<c>node.&lt;id&gt;.&lt;secret&gt;</c>): a secret, never logged.</param>
/// <param name="IssuedAt">When the hub issued it.</param>
public sealed record NodeCredential(string NodeId, string SiteId, string Token, DateTimeOffset IssuedAt)
{
    /// <summary>The file name in the data folder.</summary>
    public const string FileName = "node-credential.json";

    /// <summary>The authorization header value.</summary>
    public string Authorization => "Node " + Token;

    /// <summary>Reads the stored credential; null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a credential.</exception>
    public static NodeCredential? Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<NodeCredential>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a node credential: {ex.Message}", ex);
        }
    }

    /// <summary>Stores the credential durably, replacing the previous one.</summary>
    public void Save(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Options = FileOptions.WriteThrough,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"NodeCredential {{ NodeId = {NodeId}, SiteId = {SiteId}, IssuedAt = {IssuedAt:O} }}";
}
