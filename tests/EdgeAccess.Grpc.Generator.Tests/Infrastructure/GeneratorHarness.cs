using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Google.Protobuf;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace EdgeAccess.Grpc.Generator.Tests.Infrastructure;

/// <summary>Runs <see cref="GrpcServiceGenerator"/> the way the compiler does, over in-memory inputs.</summary>
internal static class GeneratorHarness
{
    /// <summary>Where the fake descriptor set files live; only their names matter to the generator.</summary>
    public const string ObjDirectory = "/project/obj/Debug/net10.0/";

    public static readonly string FullSetPath = ObjDirectory + GrpcServiceGenerator.FullSetFileName;
    public static readonly string OwnSetPath = ObjDirectory + GrpcServiceGenerator.OwnSetFileName;

    // Implementations of generated service bases, as an application would write them.
    private const string ApplicationCode = """
        namespace Harness;

        internal sealed class EmptyDoorWatch : global::EdgeAccess.DoorWatch.V1Alpha.DoorWatch.ServiceBase
        {
        }

        internal sealed class PingingDoorWatch : global::EdgeAccess.DoorWatch.V1Alpha.DoorWatch.ServiceBase
        {
            public override global::System.Threading.Tasks.Task<global::EdgeAccess.Testing.SharedTypes.Token> Ping(
                global::Google.Protobuf.WellKnownTypes.Empty request,
                global::EdgeAccess.Grpc.Server.ServerCallContext context) =>
                global::System.Threading.Tasks.Task.FromResult(new global::EdgeAccess.Testing.SharedTypes.Token { Value = "pong" });
        }

        internal sealed class EchoingClashing : global::Clashing.ServiceBase
        {
            public override global::System.Threading.Tasks.Task<global::Blob> Descriptor_(
                global::Blob request,
                global::EdgeAccess.Grpc.Server.ServerCallContext context) =>
                global::System.Threading.Tasks.Task.FromResult(request);
        }
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>C# as the repository compiles it, with XML doc comments checked (CS1591 and friends).</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>The two additional files build/EdgeAccess.Grpc.Codegen.targets passes; null leaves one out.</summary>
    public static ImmutableArray<AdditionalText> DescriptorSets(byte[]? full, byte[]? own)
    {
        var texts = ImmutableArray.CreateBuilder<AdditionalText>();
        if (full is not null)
        {
            texts.Add(new InMemoryAdditionalText(FullSetPath, Convert.ToBase64String(full)));
        }

        if (own is not null)
        {
            texts.Add(new InMemoryAdditionalText(OwnSetPath, Convert.ToBase64String(own)));
        }

        return texts.ToImmutable();
    }

    /// <summary>A library compilation like a consumer project's: nullable on, every warning wave.</summary>
    public static CSharpCompilation Compilation(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create(
            "Generated" + Guid.NewGuid().ToString("N"),
            trees,
            LazyReferences.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));

    /// <summary>Runs the generator over <paramref name="compilation"/> with <paramref name="texts"/>.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation, ImmutableArray<AdditionalText> texts)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new GrpcServiceGenerator().AsSourceGenerator()],
            texts,
            ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return Rerun(driver, compilation);
    }

    /// <summary>Runs an existing driver again, as the compiler does on the next edit.</summary>
    public static GeneratorRun Rerun(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, driver.GetRunResult().Results.Single(), output, diagnostics);
    }

    /// <summary>Generates from the given sets, compiles with the message classes and application code, and loads the assembly.</summary>
    public static CompiledGeneration CompileAndLoad(ProtoFixture protos, byte[] full, byte[] own)
    {
        var compilation = Compilation([.. protos.MessageClasses, CSharpSyntaxTree.ParseText(ApplicationCode, ParseOptions, "Harness.cs")]);
        var run = Run(compilation, DescriptorSets(full, own));
        using var image = new MemoryStream();
        var emit = run.OutputCompilation.Emit(image);
        if (!emit.Success)
        {
            throw new InvalidOperationException(
                "The generated code does not compile:\n" + string.Join('\n', emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        image.Position = 0;
        var context = new AssemblyLoadContext("generated", isCollectible: true);
        return new CompiledGeneration(run, run.OutputCompilation.GetDiagnostics(), context, context.LoadFromStream(image));
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The test host's own assemblies: the .NET and ASP.NET Core frameworks, Google.Protobuf and
        // EdgeAccess.Grpc, exactly the versions this test run uses.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(IMessage).Assembly.Location)
            .Append(typeof(Method<,>).Assembly.Location)
            .Where(path => path.Length > 0)
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase);
        return [.. paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}

/// <summary>One generator run: the driver (to run again), its result and the updated compilation.</summary>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    GeneratorRunResult Result,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> Diagnostics)
{
    public IReadOnlyList<string> HintNames => [.. Result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal)];

    public string Source(string hintName) => Result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}

/// <summary>Generated code compiled and loaded into its own (collectible) load context.</summary>
public sealed class CompiledGeneration : IDisposable
{
    private readonly AssemblyLoadContext _context;

    internal CompiledGeneration(GeneratorRun run, ImmutableArray<Diagnostic> compilationDiagnostics, AssemblyLoadContext context, Assembly assembly)
    {
        Run = run;
        CompilationDiagnostics = compilationDiagnostics;
        _context = context;
        Assembly = assembly;
    }

    internal GeneratorRun Run { get; }

    public ImmutableArray<Diagnostic> CompilationDiagnostics { get; }

    public Assembly Assembly { get; }

    /// <summary>A type of the generated assembly by its reflection name, e.g. <c>Ns.Service+ServiceBase</c>.</summary>
    public Type Type(string name) =>
        Assembly.GetType(name, throwOnError: false) ?? throw new Xunit.Sdk.XunitException($"The generated assembly has no type '{name}'.");

    public void Dispose() => _context.Unload();
}
