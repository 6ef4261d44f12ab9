namespace EdgeAccess.Cli.Internal;

/// <summary>
/// A failure the CLI detects itself (bad usage, a name that matches nothing, no session). It is
/// printed like a hub error, <c>error: STATUS: message</c>; usage errors exit with 2.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string status, string message, int exitCode = 1)
        : base(message)
    {
        Status = status;
        ExitCode = exitCode;
    }

    /// <summary>The gRPC-style status name printed after <c>error:</c>.</summary>
    public string Status { get; }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }

    /// <summary>The command line asks for something impossible (exit code 2).</summary>
    public static CliException Usage(string message) => new("INVALID_ARGUMENT", message, 2);

    /// <summary>A name or id the user gave matches nothing on the hub.</summary>
    public static CliException NotFound(string message) => new("NOT_FOUND", message);
}
