using System.Globalization;

namespace EdgeAccess.Edge.Replica.Internal;

/// <summary>The ordered SQL files embedded from <c>Migrations/&lt;Folder&gt;/NNNN_name.sql</c>.</summary>
internal static class Migrations
{
    /// <summary>Replica database migrations.</summary>
    public const string Replica = "Replica";

    /// <summary>Journal database migrations.</summary>
    public const string Journal = "Journal";

    private const string Prefix = "EdgeAccess.Edge.Replica.Migrations.";

    /// <summary>The migrations of <paramref name="folder"/> as (version, SQL), in version order.</summary>
    public static IReadOnlyList<(int Version, string Sql)> For(string folder)
    {
        var assembly = typeof(Migrations).Assembly;
        var prefix = Prefix + folder + ".";
        var result = new List<(int, string)>();
        foreach (var name in assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            var file = name[prefix.Length..^4];
            var version = int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            result.Add((version, reader.ReadToEnd()));
        }

        return result;
    }
}
