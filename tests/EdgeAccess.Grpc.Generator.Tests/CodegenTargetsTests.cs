using System.Diagnostics;
using System.Reflection;
using EdgeAccess.Grpc.Generator.Tests.Infrastructure;
using Google.Protobuf.Reflection;

namespace EdgeAccess.Grpc.Generator.Tests;

/// <summary>
/// build/EdgeAccess.Grpc.Codegen.targets end to end: builds a small consumer project the way
/// protos/ and tests/EdgeAccess.Interop use it (dotnet build, inside the repository so the shared
/// Directory.Build.props and central package versions apply) and checks what it produced.
/// </summary>
[Trait("Category", "Build")]
public sealed class CodegenTargetsTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    private readonly string _project = Path.Combine(AppContext.BaseDirectory, "codegen-consumer-" + Guid.NewGuid().ToString("N")[..8]);

    public CodegenTargetsTests()
    {
        var repoRoot = BuildMetadata("RepoRoot");
        Directory.CreateDirectory(_project);
        File.WriteAllText(Path.Combine(_project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="$(RepoRoot)build/EdgeAccess.Grpc.Codegen.targets" />
              <PropertyGroup>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <Protobuf Include="Protos/**/*.proto" ProtoRoot="Protos" />
                <PackageReference Include="Google.Protobuf" />
                <PackageReference Include="Grpc.Tools" PrivateAssets="all" />
                <ProjectReference Include="{Path.Combine(repoRoot, "lib", "EdgeAccess.Grpc", "EdgeAccess.Grpc.csproj")}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_project, "Doors.cs"), """
            using EdgeAccess.DoorWatch.V1Alpha;
            using EdgeAccess.Grpc.Server;
            using EdgeAccess.Testing.SharedTypes;
            using Google.Protobuf.WellKnownTypes;

            namespace Consumer;

            /// <summary>An implementation, as application code writes one.</summary>
            public sealed class Doors : DoorWatch.ServiceBase
            {
                /// <inheritdoc />
                public override Task<Token> Ping(Empty request, ServerCallContext context) =>
                    Task.FromResult(new Token { Value = DoorWatch.PingMethod.FullName });
            }

            /// <summary>A client user.</summary>
            public static class Pinger
            {
                /// <summary>Pings.</summary>
                public static async Task<string> PingAsync(DoorWatch.Client client, CancellationToken cancellationToken) =>
                    (await client.PingAsync(new Empty(), cancellationToken: cancellationToken)).Value;
            }
            """);
        foreach (var proto in new[] { ProtoFixture.CommonTypes, ProtoFixture.DoorWatch })
        {
            var target = Path.Combine(_project, "Protos", proto);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Protoc.ProtosDirectory, proto), target);
        }
    }

    [Fact]
    public void Build_ConsumerProject_GeneratesServicesAndSkipsProtocWhenNothingChanged()
    {
        Build();

        var obj = Path.Combine(_project, "obj", BuildMetadata("Configuration"), "net10.0");
        var own = FileDescriptorSet.Parser.ParseFrom(Convert.FromBase64String(File.ReadAllText(Path.Combine(obj, "edgeaccess.own.protoset.b64"))));
        var full = FileDescriptorSet.Parser.ParseFrom(Convert.FromBase64String(File.ReadAllText(Path.Combine(obj, "edgeaccess.protoset.b64"))));
        Assert.Equal([ProtoFixture.DoorWatch, ProtoFixture.CommonTypes], own.File.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["google/protobuf/empty.proto", ProtoFixture.DoorWatch, ProtoFixture.CommonTypes],
            full.File.Select(f => f.Name).Order(StringComparer.Ordinal));
        var generated = Path.Combine(obj, "generated", "EdgeAccess.Grpc.Generator", "EdgeAccess.Grpc.Generator.GrpcServiceGenerator");
        Assert.Equal(
            ["testing_door_watch_v1alpha_door_watch.grpc.g.cs"],
            Directory.GetFiles(generated).Select(Path.GetFileName));

        // A second build with nothing changed does not run protoc again.
        var protosetWritten = File.GetLastWriteTimeUtc(Path.Combine(obj, "edgeaccess.protoset"));
        Build();
        Assert.Equal(protosetWritten, File.GetLastWriteTimeUtc(Path.Combine(obj, "edgeaccess.protoset")));
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private void Build()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _project,
        };
        foreach (var argument in new[] { "build", "-c", BuildMetadata("Configuration"), "-nodeReuse:false", "-clp:ErrorsOnly;NoSummary" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(BuildTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build did not finish within {BuildTimeout}");
        }

        Assert.True(process.ExitCode == 0, $"dotnet build failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    private static string BuildMetadata(string key) =>
        typeof(CodegenTargetsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
