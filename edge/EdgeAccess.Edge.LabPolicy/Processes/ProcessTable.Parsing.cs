using System.Buffers.Text;
using System.Text;

namespace EdgeAccess.Edge.LabPolicy.Processes;

public sealed partial class ProcessTable
{
    /// <summary>
    /// Parses <c>/proc/pid/stat</c> (proc(5)): <c>pid (comm) state ppid pgrp session … starttime …</c>.
    /// The command name may hold spaces and parentheses, so it runs from the first <c>(</c> to the
    /// LAST <c>)</c>; the numbered fields are counted after it (state is field 3, starttime 22).
    /// </summary>
    internal static bool TryParseStat(ReadOnlySpan<byte> text, out StatFields fields)
    {
        fields = default;
        var open = text.IndexOf((byte)'(');
        var close = text.LastIndexOf((byte)')');
        if (open < 0 || close < open || close + 2 >= text.Length)
        {
            return false;
        }

        var comm = Encoding.UTF8.GetString(text[(open + 1)..close]);
        var rest = text[(close + 2)..];
        // Fields 3.. separated by single spaces: index 0 is field 3 (state), 1 ppid, 2 pgrp, 3 session, 19 starttime.
        Span<long> numbers = stackalloc long[4];
        char state = '?';
        ulong start = 0;
        for (var field = 0; field <= 19; field++)
        {
            var space = rest.IndexOf((byte)' ');
            var token = space < 0 ? rest : rest[..space];
            if (field == 0)
            {
                state = token.Length > 0 ? (char)token[0] : '?';
            }
            else if (field <= 3)
            {
                if (!Utf8Parser.TryParse(token, out long value, out _))
                {
                    return false;
                }

                numbers[field] = value;
            }
            else if (field == 19)
            {
                if (!Utf8Parser.TryParse(token, out start, out _))
                {
                    return false;
                }

                break;
            }

            if (space < 0)
            {
                return false; // truncated
            }

            rest = rest[(space + 1)..];
        }

        fields = new StatFields(comm, state, (int)numbers[1], (int)numbers[2], (int)numbers[3], start);
        return true;
    }

    /// <summary>The real uid: the first number of the <c>Uid:</c> line of <c>/proc/pid/status</c>.</summary>
    internal static bool TryParseRealUid(ReadOnlySpan<byte> text, out long uid)
    {
        uid = -1;
        var at = text.IndexOf("\nUid:"u8);
        if (at < 0)
        {
            return false;
        }

        var rest = text[(at + 5)..].TrimStart("\t "u8);
        return Utf8Parser.TryParse(rest, out uid, out _);
    }

    /// <summary>Splits <c>/proc/pid/cmdline</c> (NUL-separated, usually NUL-terminated).</summary>
    internal static string[] SplitArguments(ReadOnlySpan<byte> text)
    {
        if (text.Length > 0 && text[^1] == 0)
        {
            text = text[..^1];
        }

        if (text.IsEmpty)
        {
            return [];
        }

        var arguments = new string[text.Count((byte)0) + 1];
        for (var i = 0; i < arguments.Length; i++)
        {
            var end = text.IndexOf((byte)0);
            arguments[i] = Encoding.UTF8.GetString(end < 0 ? text : text[..end]);
            text = end < 0 ? default : text[(end + 1)..];
        }

        return arguments;
    }

    /// <summary>
    /// The cgroup path from <c>/proc/pid/cgroup</c> (<c>id:controllers:path</c> lines): the unified
    /// hierarchy's (<c>0::</c>) unless it is the root, else the first non-root path, else <c>/</c>.
    /// </summary>
    internal static string ParseCgroup(ReadOnlySpan<byte> text)
    {
        string? unified = null, other = null;
        foreach (var range in text.Split((byte)'\n'))
        {
            var line = text[range];
            var first = line.IndexOf((byte)':');
            var second = first < 0 ? -1 : line[(first + 1)..].IndexOf((byte)':');
            if (second < 0)
            {
                continue;
            }

            var path = line[(first + second + 2)..];
            if (line.StartsWith("0::"u8))
            {
                unified = Encoding.UTF8.GetString(path);
            }
            else if (other is null && !path.SequenceEqual("/"u8))
            {
                other = Encoding.UTF8.GetString(path);
            }
        }

        return unified is not null && unified != "/" ? unified : other ?? unified ?? "";
    }

    /// <summary>The fields of <c>/proc/pid/stat</c> the policy uses.</summary>
    internal readonly record struct StatFields(string Comm, char State, int ParentPid, int ProcessGroup, int Session, ulong StartTicks);
}
