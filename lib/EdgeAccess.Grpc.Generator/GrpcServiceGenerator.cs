using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using EdgeAccess.Grpc.Generator.Descriptors;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EdgeAccess.Grpc.Generator;

/// <summary>
/// Generates the typed gRPC service code of EdgeAccess.Grpc — per protobuf service <c>S</c> a static
/// class <c>S</c> with <c>ServiceName</c>, <c>Descriptor</c>, one <c>Method&lt;TRequest, TResponse&gt;</c>
/// field per rpc, an abstract <c>S.ServiceBase</c> to implement and a typed <c>S.Client</c> — from
/// the protobuf service descriptors, so no route string is ever typed by hand.
/// </summary>
/// <remarks>
/// <para>Pipeline:</para>
/// <list type="number">
/// <item><description>Grpc.Tools compiles each <c>&lt;Protobuf GrpcServices="None"/&gt;</c> item
/// to message classes and a <c>{File}Reflection</c> class, as usual.</description></item>
/// <item><description><c>build/EdgeAccess.Grpc.Codegen.targets</c> runs the same protoc once more
/// over all of the project's proto files: with <c>--include_imports</c> into
/// <c>obj/…/edgeaccess.protoset</c> (every file, imports included, to resolve message types) and
/// without it into <c>edgeaccess.own.protoset</c> (just the project's own files: only these get
/// code, so a project does not regenerate what a referenced project already owns). Roslyn hands
/// additional files to generators as text only, so the targets pass each set base64-encoded as
/// <c>edgeaccess[.own].protoset.b64</c> in <c>&lt;AdditionalFiles&gt;</c>.</description></item>
/// <item><description>This generator decodes the <c>FileDescriptorSet</c>s with a small wire
/// reader (no Google.Protobuf dependency), resolves every request and response type through the
/// full set, and emits one <c>{path_of_file}.grpc.g.cs</c> per own file that declares services.
/// </description></item>
/// </list>
/// <para>The C# names follow protoc's C# generator exactly (protobuf
/// <c>src/google/protobuf/compiler/csharp/names.cc</c>; see <see cref="CSharpNames"/>): namespace =
/// <c>csharp_namespace</c> or the package through UnderscoresToCamelCase; message class = message
/// name, nested messages under <c>Outer.Types.Inner</c>; reflection class =
/// UnderscoresToPascalCase(file base name) + <c>Reflection</c>.</para>
/// <para>Clashes: a generated member whose name equals its class's name, a generated member of the
/// same class, or <c>ClientBase.CallInvoker</c> gets '_' appended (e.g. an rpc named
/// <c>Descriptor</c> is served by <c>ServiceBase.Descriptor_</c>), reported as EAGRPC004 (info).
/// The wire name of the method never changes.</para>
/// <para>Diagnostics: EAGRPC001 unreadable descriptor set, EAGRPC002 a message type the full set
/// does not define, EAGRPC003 one of the two sets missing — all errors, instead of a generator
/// crash.</para>
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class GrpcServiceGenerator : IIncrementalGenerator
{
    /// <summary>The additional file holding every file of the project's protos and their imports.</summary>
    public const string FullSetFileName = "edgeaccess.protoset.b64";

    /// <summary>The additional file holding only the project's own proto files.</summary>
    public const string OwnSetFileName = "edgeaccess.own.protoset.b64";

    /// <summary>The tracking name of the step that reads the descriptor sets (for incrementality tests).</summary>
    public const string ReadStepName = "EdgeAccessGrpc.ReadDescriptorSets";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sets = context.AdditionalTextsProvider
            .Where(static text => RoleOf(text.Path) is not null)
            .Select(static (text, cancellationToken) => new DescriptorSetText(
                text.Path,
                RoleOf(text.Path) == SetRole.Own,
                text.GetText(cancellationToken)?.ToString() ?? string.Empty))
            .WithTrackingName(ReadStepName)
            .Collect();

        context.RegisterSourceOutput(sets, static (output, texts) => Generate(output, texts));
    }

    private static void Generate(SourceProductionContext output, ImmutableArray<DescriptorSetText> texts)
    {
        if (texts.IsEmpty)
        {
            return;
        }

        var fullFiles = new List<ProtoFile>();
        var ownFiles = new List<ProtoFile>();
        string? fullPath = null;
        string? ownPath = null;
        foreach (var text in texts.OrderBy(static t => t.Path, StringComparer.Ordinal))
        {
            output.CancellationToken.ThrowIfCancellationRequested();
            List<ProtoFile> files;
            try
            {
                files = DescriptorSetParser.Parse(Convert.FromBase64String(text.Content.Trim()));
            }
            catch (Exception ex) when (ex is FormatException or DescriptorFormatException)
            {
                output.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnreadableDescriptorSet, FileLocation(text.Path), text.Path, ex.Message));
                return;
            }

            if (text.IsOwn)
            {
                ownPath = text.Path;
                ownFiles.AddRange(files);
            }
            else
            {
                fullPath = text.Path;
                fullFiles.AddRange(files);
            }
        }

        if (fullPath is null || ownPath is null)
        {
            var present = fullPath ?? ownPath!;
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.IncompleteDescriptorSets,
                FileLocation(present),
                present,
                fullPath is null ? FullSetFileName : OwnSetFileName));
            return;
        }

        var types = new TypeTable(fullFiles);
        var ownLocation = FileLocation(ownPath);
        var hintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in ownFiles)
        {
            output.CancellationToken.ThrowIfCancellationRequested();
            if (file.Services.Count == 0 || !emitted.Add(file.Name))
            {
                continue;
            }

            var renames = new List<Rename>();
            var unresolved = new List<(string Method, string Type, string Service)>();
            var source = ServiceEmitter.EmitFile(file, types, renames, unresolved);
            foreach (var (method, type, service) in unresolved)
            {
                output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnresolvedType, ownLocation, method, type, service));
            }

            foreach (var rename in renames)
            {
                output.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MemberRenamed, ownLocation, rename.What, rename.NewName, rename.Scope, rename.WantedName));
            }

            if (source is not null)
            {
                output.AddSource(HintName(file.Name, hintNames), SourceText.From(source, Encoding.UTF8));
            }
        }
    }

    /// <summary><c>grpc/testing/test.proto</c> → <c>grpc_testing_test.grpc.g.cs</c>, made unique.</summary>
    internal static string HintName(string protoFileName, HashSet<string> taken)
    {
        var stem = protoFileName.EndsWith(".proto", StringComparison.Ordinal)
            ? protoFileName.Substring(0, protoFileName.Length - ".proto".Length)
            : protoFileName;
        var chars = stem.Select(static c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' ? c : '_').ToArray();
        var baseName = new string(chars);
        var name = baseName + ".grpc.g.cs";
        for (var n = 2; !taken.Add(name); n++)
        {
            name = baseName + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".grpc.g.cs";
        }

        return name;
    }

    private static SetRole? RoleOf(string path)
    {
        var name = Path.GetFileName(path);
        if (string.Equals(name, FullSetFileName, StringComparison.OrdinalIgnoreCase))
        {
            return SetRole.Full;
        }

        if (string.Equals(name, OwnSetFileName, StringComparison.OrdinalIgnoreCase))
        {
            return SetRole.Own;
        }

        return null;
    }

    private static Location FileLocation(string path) =>
        Location.Create(path, default, new LinePositionSpan(default, default));

    private enum SetRole
    {
        Full,
        Own,
    }

    /// <summary>One descriptor set file as the compiler gave it: compared by value, so an unchanged file keeps the pipeline cached.</summary>
    private sealed class DescriptorSetText : IEquatable<DescriptorSetText>
    {
        public DescriptorSetText(string path, bool isOwn, string content)
        {
            Path = path;
            IsOwn = isOwn;
            Content = content;
        }

        public string Path { get; }

        public bool IsOwn { get; }

        public string Content { get; }

        public bool Equals(DescriptorSetText? other) =>
            other is not null && other.IsOwn == IsOwn && other.Path == Path && other.Content == Content;

        public override bool Equals(object? obj) => Equals(obj as DescriptorSetText);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ Content.Length;
    }
}
