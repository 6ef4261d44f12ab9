using System.Diagnostics;
using System.Reflection;

namespace EdgeAccess.Grpc.Generator.Tests.Infrastructure;

/// <summary>Runs the protoc of Grpc.Tools, located by the test project's build (see the .csproj).</summary>
internal static class Protoc
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The directory the test protos are copied to.</summary>
    public static string ProtosDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Protos");

    /// <summary>Grpc.Tools' standard imports (google/protobuf/*.proto).</summary>
    public static string StandardImportsPath { get; } = BuildMetadata("ProtobufStandardImportsPath");

    private static string ExecutablePath { get; } = BuildMetadata("ProtocPath");

    /// <summary>Runs protoc with the test protos and the standard imports as import paths.</summary>
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = ProtosDirectory,
        };
        start.ArgumentList.Add("--proto_path=" + ProtosDirectory);
        start.ArgumentList.Add("--proto_path=" + StandardImportsPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("protoc did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new TimeoutException($"protoc did not finish within {Timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"protoc {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }

    private static string BuildMetadata(string key) =>
        typeof(Protoc).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it with dotnet build.");
}
