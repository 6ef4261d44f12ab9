using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeAccess.Grpc.Generator.Tests.Infrastructure;

/// <summary>
/// Compiles the test protos with protoc once per test run: descriptor sets as the codegen targets
/// make them, and protoc's C# message classes, which the generated code must compile against.
/// </summary>
public sealed class ProtoFixture : IDisposable
{
    public const string CommonTypes = "testing/shared/common_types.proto";
    public const string DoorWatch = "testing/door_watch/v1alpha/door_watch.proto";
    public const string NameClash = "name_clash.proto";
    public const string AuditLog = "testing/audit/audit_log.proto";

    private static readonly string[] AllFiles = [CommonTypes, DoorWatch, NameClash, AuditLog];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "eagrpc-gen-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<CompiledGeneration> _allOwnFiles;

    public ProtoFixture()
    {
        Directory.CreateDirectory(_directory);
        FullSet = DescriptorSet("full.protoset", ["--include_imports", .. AllFiles]);
        OwnSet = DescriptorSet("own.protoset", AllFiles);
        DoorWatchOwnSet = DescriptorSet("door_watch.own.protoset", [DoorWatch]);
        FullSetWithSourceInfo = DescriptorSet("source_info.protoset", ["--include_imports", "--include_source_info", .. AllFiles]);

        var csharpDirectory = Path.Combine(_directory, "csharp");
        Directory.CreateDirectory(csharpDirectory);
        Protoc.Run(["--csharp_out=" + csharpDirectory, .. AllFiles]);
        MessageClasses = [.. Directory.GetFiles(csharpDirectory, "*.cs")
            .Order(StringComparer.Ordinal)
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), GeneratorHarness.ParseOptions, path))];
        _allOwnFiles = new Lazy<CompiledGeneration>(() => GeneratorHarness.CompileAndLoad(this, FullSet, OwnSet));
    }

    /// <summary>Every test proto and its imports (what edgeaccess.protoset holds).</summary>
    public byte[] FullSet { get; }

    /// <summary>Every test proto without imports (what edgeaccess.own.protoset holds).</summary>
    public byte[] OwnSet { get; }

    /// <summary>Only door_watch.proto, without imports.</summary>
    public byte[] DoorWatchOwnSet { get; }

    /// <summary>Like <see cref="FullSet"/>, plus SourceCodeInfo (comments and spans) in every file.</summary>
    public byte[] FullSetWithSourceInfo { get; }

    /// <summary>protoc's C# output for the test protos.</summary>
    public IReadOnlyList<SyntaxTree> MessageClasses { get; }

    /// <summary>The generator run over all test protos, compiled with the message classes and loaded.</summary>
    public CompiledGeneration AllOwnFiles => _allOwnFiles.Value;

    public void Dispose()
    {
        if (_allOwnFiles.IsValueCreated)
        {
            _allOwnFiles.Value.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private byte[] DescriptorSet(string name, string[] arguments)
    {
        var path = Path.Combine(_directory, name);
        Protoc.Run(["--descriptor_set_out=" + path, .. arguments]);
        return File.ReadAllBytes(path);
    }
}

/// <summary>The test classes that share one <see cref="ProtoFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ProtocCollection : ICollectionFixture<ProtoFixture>
{
    public const string Name = "protoc";
}
