using System.Globalization;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Accounts;

/// <summary>
/// Reads the node's OS accounts from a passwd file (passwd(5): <c>name:password:uid:gid:gecos:home:shell</c>).
/// Comments, blank lines, NIS compat entries (<c>+</c>/<c>-</c>) and malformed lines are skipped;
/// the full name is the first comma-separated field of GECOS. The result is what the hub accepts
/// (sync.proto <c>NodeAccounts</c>): each uid once (the first line wins, as getpwuid(3) answers),
/// names of 1..64 characters without control characters, at most <see cref="MaxAccounts"/>.
/// </summary>
public static class AccountSource
{
    /// <summary>The default passwd file.</summary>
    public const string DefaultPath = "/etc/passwd";

    /// <summary>The most accounts one report holds (the hub's limit).</summary>
    public const int MaxAccounts = 10_000;

    /// <summary>The longest login name reported (the hub's limit).</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest full name reported; longer ones are cut.</summary>
    public const int MaxFullNameLength = 256;

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The node may not read it.</exception>
    public static IReadOnlyList<OsAccount> Read(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses passwd content, ordered by uid.</summary>
    public static IReadOnlyList<OsAccount> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var byUid = new Dictionary<long, OsAccount>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] is '#' or '+' or '-' || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(':');
            if (fields.Length < 4)
            {
                continue;
            }

            var name = fields[0];
            if (name.Length is 0 or > MaxNameLength || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
                || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) || uid > uint.MaxValue
                || byUid.ContainsKey(uid) || !names.Add(name))
            {
                continue;
            }

            var fullName = fields.Length > 4 ? fields[4].Split(',')[0].Trim() : "";
            if (fullName.Length > MaxFullNameLength)
            {
                fullName = fullName[..MaxFullNameLength];
            }

            byUid[uid] = new OsAccount { Uid = uid, Name = name, FullName = new string([.. fullName.Where(c => !char.IsControl(c))]) };
            if (byUid.Count == MaxAccounts)
            {
                break;
            }
        }

        return [.. byUid.Values.OrderBy(a => a.Uid)];
    }
}
