using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeAccess.Edge.LabPolicy.Processes;

/// <summary>
/// One control-program entry of a resource, compiled once: an absolute path, or a glob whose
/// wildcards stay within one path segment — <c>*</c> (any run of characters but <c>/</c>),
/// <c>?</c> (one character but <c>/</c>) and <c>[...]</c> (one of a set; <c>[!...]</c> or
/// <c>[^...]</c> negates; ranges like <c>a-z</c>), as glob(7) matches path names. Matching is
/// ordinal and case-sensitive, like the file system.
/// </summary>
public sealed class ProgramPattern
{
    private readonly string? _literal;
    private readonly Regex? _regex;

    private ProgramPattern(string text, string? literal, Regex? regex)
    {
        Text = text;
        _literal = literal;
        _regex = regex;
    }

    /// <summary>The entry as configured.</summary>
    public string Text { get; }

    /// <summary>Whether the entry has wildcards.</summary>
    public bool IsGlob => _regex is not null;

    /// <summary>Compiles an entry; false (with a reason) when it is not an absolute path.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ProgramPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (string.IsNullOrWhiteSpace(text) || text[0] != '/')
        {
            error = "not an absolute path";
            return false;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            error = "contains a NUL character";
            return false;
        }

        if (text.AsSpan().IndexOfAny('*', '?', '[') < 0)
        {
            pattern = new ProgramPattern(text, text, null);
            error = null;
            return true;
        }

        // Anchored; no backtracking blow-up: [^/]* cannot cross a segment. Bounded by a timeout anyway.
        pattern = new ProgramPattern(text, null, new Regex(ToRegex(text), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(50)));
        error = null;
        return true;
    }

    /// <summary>Compiles an entry or throws <see cref="ArgumentException"/>.</summary>
    public static ProgramPattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern : throw new ArgumentException($"Control program \"{text}\": {error}.", nameof(text));

    /// <summary>Whether <paramref name="path"/> matches the entry.</summary>
    public bool IsMatch(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return false;
        }

        if (_literal is not null)
        {
            return string.Equals(path, _literal, StringComparison.Ordinal);
        }

        try
        {
            return _regex!.IsMatch(path);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the process runs this program: its executable, its <c>argv[0]</c>, or its
    /// <c>argv[1]</c> (a script run by an interpreter; made absolute against the working directory) matches.
    /// </summary>
    public bool Matches(ProcessInfo process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return IsMatch(process.Executable)
            || (process.Argv.Count > 0 && IsMatch(process.Argv[0]))
            || (process.Argv.Count > 1 && IsMatch(process.Argv[1]))
            || IsMatch(process.ScriptPath);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static string ToRegex(string glob)
    {
        var regex = new StringBuilder("^", glob.Length * 2);
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[' when TryClass(glob, i, out var set, out var end):
                    regex.Append(set);
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.Append('$').ToString();
    }

    // A bracket expression starting at glob[start] == '['. A ']' right after '[' (or '[!') is a
    // member; an unterminated '[' is a literal (glob(7)). Never matches '/'.
    private static bool TryClass(string glob, int start, [NotNullWhen(true)] out string? set, out int end)
    {
        set = null;
        var i = start + 1;
        var negate = i < glob.Length && glob[i] is '!' or '^';
        if (negate)
        {
            i++;
        }

        var members = new StringBuilder();
        var first = true;
        for (; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == ']' && !first)
            {
                end = i;
                set = negate ? $"[^/{members}]" : $"[{members}]";
                return true;
            }

            if (c == '/')
            {
                break; // a set cannot span segments: treat the '[' as a literal
            }

            if (c == '-' && !first && i + 1 < glob.Length && glob[i + 1] != ']')
            {
                members.Append('-');
            }
            else
            {
                members.Append(c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString());
            }

            first = false;
        }

        end = start;
        return false;
    }
}
