namespace EdgeAccess.Edge.LabPolicy.Processes;

/// <summary>The compiled control programs of one resource.</summary>
public sealed class ProgramPatternSet
{
    private readonly ProgramPattern[] _patterns;

    private ProgramPatternSet(ProgramPattern[] patterns, IReadOnlyList<string> invalid)
    {
        _patterns = patterns;
        Invalid = invalid;
    }

    /// <summary>The entries that did not compile, with the reason (logged; they match nothing).</summary>
    public IReadOnlyList<string> Invalid { get; }

    /// <summary>Resolves symbolic links on this machine (realpath(3)); null when the path does not exist.</summary>
    public static Func<string, string?> FileSystemResolver { get; } = Internal.LibC.RealPath;

    /// <summary>Whether any entry compiled.</summary>
    public bool IsEmpty => _patterns.Length == 0;

    /// <summary>
    /// Compiles the entries. With <paramref name="realPath"/>, an entry whose directory exists is also
    /// compiled with its directory's symbolic links resolved, because <c>/proc/pid/exe</c> always
    /// shows the resolved path (<c>/opt/lab/bin/ctl</c> → <c>/srv/lab-2.1/bin/ctl</c>).
    /// </summary>
    public static ProgramPatternSet Compile(IEnumerable<string> entries, Func<string, string?>? realPath = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var patterns = new List<ProgramPattern>();
        var invalid = new List<string>();
        foreach (var entry in entries)
        {
            if (!ProgramPattern.TryParse(entry, out var pattern, out var error))
            {
                invalid.Add($"\"{entry}\": {error}");
                continue;
            }

            patterns.Add(pattern);
            if (realPath is not null && Resolved(entry, realPath) is { } resolved && resolved != entry
                && ProgramPattern.TryParse(resolved, out var alias, out _))
            {
                patterns.Add(alias);
            }
        }

        return new ProgramPatternSet([.. patterns], invalid);
    }

    /// <summary>Whether the process runs one of the programs.</summary>
    public bool Matches(ProcessInfo process)
    {
        foreach (var pattern in _patterns)
        {
            if (pattern.Matches(process))
            {
                return true;
            }
        }

        return false;
    }

    // Resolves the longest wildcard-free directory prefix; a literal entry resolves as a whole.
    private static string? Resolved(string entry, Func<string, string?> realPath)
    {
        var wildcard = entry.AsSpan().IndexOfAny('*', '?', '[');
        if (wildcard < 0)
        {
            return realPath(entry);
        }

        var slash = entry.LastIndexOf('/', wildcard);
        if (slash <= 0)
        {
            return null;
        }

        var directory = realPath(entry[..slash]);
        return directory is null ? null : directory.TrimEnd('/') + entry[slash..];
    }
}
