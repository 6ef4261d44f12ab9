using System.Globalization;

namespace EdgeAccess.Interop;

/// <summary>Flags in the <c>--name=value</c> form the interop programs of every gRPC implementation use.</summary>
internal sealed class InteropFlags
{
    private readonly List<KeyValuePair<string, string>> _values = [];

    public static InteropFlags Parse(ReadOnlySpan<string> args)
    {
        var flags = new InteropFlags();
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': flags look like --name=value.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals < 0 ? (arg[2..], "true") : (arg[2..equals], arg[(equals + 1)..]);
            flags._values.Add(new(name, value));
        }

        return flags;
    }

    public string? Get(string name) => _values.LastOrDefault(v => v.Key == name).Value;

    public IReadOnlyList<string> GetAll(string name) =>
        _values.Where(v => v.Key == name).SelectMany(v => v.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray();

    public int GetInt(string name) =>
        int.TryParse(Get(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} must be a port number.");
}
