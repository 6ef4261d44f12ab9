using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>
/// An OS command as an argv template from configuration, e.g.
/// <c>["/usr/sbin/gpasswd", "-a", "{user}", "{group}"]</c>. It is never given to a shell: each
/// element becomes one argument (<see cref="System.Diagnostics.ProcessStartInfo.ArgumentList"/>), and
/// every placeholder value is validated before it is put in, so nothing can be injected through a
/// user or group name (no metacharacters, no leading <c>-</c> that a program would take for an option).
/// </summary>
/// <remarks>
/// Placeholders: <c>{user}</c> (login name), <c>{uid}</c>, <c>{group}</c> (the resource's
/// <c>os_group</c>) and <c>{resource}</c> (the resource id). They may sit inside an argument
/// (<c>--member={user}</c>). The executable must be an absolute path without placeholders, so the
/// command does not depend on <c>PATH</c>.
/// </remarks>
public sealed partial class CommandTemplate
{
    /// <summary>The placeholder of the login name.</summary>
    public const string User = "{user}";

    /// <summary>The placeholder of the numeric user id.</summary>
    public const string Uid = "{uid}";

    /// <summary>The placeholder of the OS group.</summary>
    public const string Group = "{group}";

    /// <summary>The placeholder of the resource id.</summary>
    public const string Resource = "{resource}";

    private readonly string[] _arguments;

    private CommandTemplate(string name, string[] arguments)
    {
        Name = name;
        _arguments = arguments;
        Uses = arguments.Skip(1).SelectMany(a => PlaceholderPattern().Matches(a).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>What the template is for, e.g. <c>GrantCommand</c> (used in messages).</summary>
    public string Name { get; }

    /// <summary>The template as configured: the executable, then its arguments.</summary>
    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>The placeholders the template uses.</summary>
    public IReadOnlySet<string> Uses { get; }

    /// <summary>Parses a configured template.</summary>
    /// <param name="name">What it is for (the option name), for messages.</param>
    /// <param name="arguments">The executable and its arguments.</param>
    /// <exception cref="ArgumentException">The template is empty, its executable not an absolute path, or it names an unknown placeholder.</exception>
    public static CommandTemplate Parse(string name, IReadOnlyList<string> arguments) =>
        TryParse(name, arguments, out var template, out var error) ? template : throw new ArgumentException(error, nameof(arguments));

    /// <summary>Parses a configured template; <paramref name="error"/> says why it is not valid.</summary>
    public static bool TryParse(string name, IReadOnlyList<string>? arguments, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CommandTemplate? template, out string error)
    {
        template = null;
        if (arguments is null || arguments.Count == 0 || string.IsNullOrWhiteSpace(arguments[0]))
        {
            error = $"{name} is empty: give the executable (an absolute path) and its arguments.";
            return false;
        }

        var executable = arguments[0];
        // Absolute, so the command does not depend on PATH; no placeholder, so no value chooses the program.
        if (!executable.StartsWith('/') || !Path.IsPathFullyQualified(executable) || executable.Contains('{', StringComparison.Ordinal))
        {
            error = $"{name}: the executable '{executable}' must be an absolute path without placeholders.";
            return false;
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i] ?? "";
            if (argument.Contains('\0', StringComparison.Ordinal))
            {
                error = $"{name}: argument {i} holds a NUL character.";
                return false;
            }

            var unknown = BracePattern().Matches(argument).Select(m => m.Value).FirstOrDefault(v => v is not (User or Uid or Group or Resource));
            if (unknown is not null)
            {
                error = $"{name}: unknown placeholder {unknown} in argument {i} (known: {User} {Uid} {Group} {Resource}).";
                return false;
            }
        }

        template = new CommandTemplate(name, [.. arguments.Select(a => a ?? "")]);
        error = "";
        return true;
    }

    /// <summary>
    /// The argv to execute for <paramref name="values"/>. Every value the template uses is validated
    /// first; a value that is missing or not valid throws, and nothing is run.
    /// </summary>
    /// <exception cref="CommandValueException">A used value is missing or not valid.</exception>
    public IReadOnlyList<string> Render(CommandValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var placeholder in Uses)
        {
            replacements[placeholder] = placeholder switch
            {
                User => ValidName(values.User, "user name"),
                Group => ValidName(values.Group, "group name"),
                Uid => values.Uid is >= 0 and var uid ? uid.ToString(CultureInfo.InvariantCulture) : throw new CommandValueException($"the uid '{values.Uid}' is not a non-negative number"),
                // The canonical form, not the input: it cannot carry surrounding blanks the parser tolerated.
                Resource => Guid.TryParseExact(values.ResourceId, "D", out var id) ? id.ToString("D") : throw new CommandValueException($"the resource id '{Printable(values.ResourceId)}' is not a GUID"),
                _ => throw new InvalidOperationException(placeholder),
            };
        }

        var argv = new string[_arguments.Length];
        argv[0] = _arguments[0];
        for (var i = 1; i < _arguments.Length; i++)
        {
            argv[i] = PlaceholderPattern().Replace(_arguments[i], m => replacements[m.Value]);
        }

        return argv;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is an acceptable user or group name: lowercase letter or
    /// underscore first, then up to 31 lowercase letters, digits, <c>_ . -</c>, optionally ending in
    /// <c>$</c> (the shadow-utils rule, NAME_REGEX of useradd(8), minus upper case).
    /// </summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    private static string ValidName(string? value, string what) =>
        IsValidName(value) ? value! : throw new CommandValueException($"the {what} '{Printable(value)}' is not a valid account name");

    /// <summary>The value for messages: control characters replaced, at most 64 characters.</summary>
    internal static string Printable(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, 64));
        foreach (var c in value.Take(64))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {string.Join(' ', _arguments)}";

    // \z, not $: in .NET '$' also matches before a final newline, which would let "alice\n" through.
    [GeneratedRegex(@"^[a-z_][a-z0-9_.-]{0,31}\$?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\{(user|uid|group|resource)\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\{[^{}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex BracePattern();
}

/// <summary>The values a <see cref="CommandTemplate"/> is rendered with; only the ones it uses are needed.</summary>
/// <param name="User">The login name.</param>
/// <param name="Uid">The numeric user id.</param>
/// <param name="Group">The OS group.</param>
/// <param name="ResourceId">The resource id (a GUID).</param>
public sealed record CommandValues(string? User = null, long? Uid = null, string? Group = null, string? ResourceId = null);

/// <summary>A value for a command template was refused; the command was not run.</summary>
public sealed class CommandValueException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandValueException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CommandValueException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public CommandValueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
