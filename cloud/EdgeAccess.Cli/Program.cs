namespace EdgeAccess.Cli;

/// <summary>The <c>edgeaccess</c> executable: the real console and the user's config directory.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) =>
        CliApp.RunAsync(args, Console.In, Console.Out, Console.Error, CliApp.DefaultConfigDirectory());
}
