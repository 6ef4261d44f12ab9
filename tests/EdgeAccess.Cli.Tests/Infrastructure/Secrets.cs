namespace EdgeAccess.Cli.Tests.Infrastructure;

/// <summary>The things the CLI must never print: passwords, tokens, card numbers.</summary>
public static class Secrets
{
    private static readonly string[] Always = [CliHub.AdminPassword, CliHub.AdaCard, CliHub.BenCard, CliHub.CleoCard];

    /// <summary>Asserts neither stream of <paramref name="result"/> holds a secret (case-insensitive).</summary>
    public static void AssertAbsent(CliResult result, IEnumerable<string> extra)
    {
        foreach (var secret in Always.Concat(extra).Where(s => s.Length > 0))
        {
            Assert.False(result.Out.Contains(secret, StringComparison.OrdinalIgnoreCase), $"stdout shows a secret:\n{result.ToString().Replace(secret, "<secret>", StringComparison.OrdinalIgnoreCase)}");
            Assert.False(result.Err.Contains(secret, StringComparison.OrdinalIgnoreCase), $"stderr shows a secret:\n{result.ToString().Replace(secret, "<secret>", StringComparison.OrdinalIgnoreCase)}");
        }
    }
}
