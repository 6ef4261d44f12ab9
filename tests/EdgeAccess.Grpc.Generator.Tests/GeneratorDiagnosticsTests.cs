using System.Collections.Immutable;
using EdgeAccess.Grpc.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeAccess.Grpc.Generator.Tests;

/// <summary>What the generator does with incomplete, foreign or broken inputs, and when it reruns.</summary>
[Collection(ProtocCollection.Name)]
public sealed class GeneratorDiagnosticsTests(ProtoFixture protos)
{
    public static TheoryData<string> BrokenSets => new()
    {
        "%%% not base64 %%%",
        // FileDescriptorSet.file announced with 100 bytes, 1 present.
        Convert.ToBase64String([0x0A, 100, 0x0A]),
        // Field 1 with wire type 7, which does not exist.
        Convert.ToBase64String([0x0F]),
        // Field number 0.
        Convert.ToBase64String([0x00, 0x01]),
        // A varint whose continuation bit never clears.
        Convert.ToBase64String([0x08, 0xFF, 0xFF]),
    };

    [Theory]
    [MemberData(nameof(BrokenSets))]
    public void Generate_CorruptedFullSet_ReportsEAGRPC001InsteadOfCrashing(string content)
    {
        var texts = ImmutableArray.Create<AdditionalText>(new TextFile(GeneratorHarness.FullSetPath, content))
            .AddRange(GeneratorHarness.DescriptorSets(full: null, own: protos.OwnSet));

        var run = Run(texts);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(("EAGRPC001", DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        Assert.Equal(GeneratorHarness.FullSetPath, diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void Generate_TruncatedOwnSet_ReportsEAGRPC001()
    {
        var own = protos.OwnSet[..(protos.OwnSet.Length - 5)];

        var run = Run(GeneratorHarness.DescriptorSets(protos.FullSet, own));

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("EAGRPC001", diagnostic.Id);
        Assert.Equal(GeneratorHarness.OwnSetPath, diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void Generate_TypeMissingFromFullSet_ReportsEAGRPC002ForEachAndSkipsTheService()
    {
        // door_watch.proto without its imports: Empty and the shared types cannot be resolved.
        var run = Run(GeneratorHarness.DescriptorSets(full: protos.DoorWatchOwnSet, own: protos.DoorWatchOwnSet));

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);
        Assert.All(run.Diagnostics, d => Assert.Equal(("EAGRPC002", DiagnosticSeverity.Error), (d.Id, d.Severity)));
        var messages = run.Diagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(
            "Method 'edge_access.door_watch.v1alpha.DoorWatch/Ping' uses type '.google.protobuf.Empty', which the descriptor set does not define; no code is generated for service 'edge_access.door_watch.v1alpha.DoorWatch'",
            messages);
        Assert.Contains(messages, m => m.Contains("'.edgeaccess.testing.shared.Envelope.Header.Stamp'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("DoorAdmin/Reset", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Generate_OneSetWithoutTheOther_ReportsEAGRPC003(bool ownOnly)
    {
        var texts = ownOnly
            ? GeneratorHarness.DescriptorSets(full: null, own: protos.OwnSet)
            : GeneratorHarness.DescriptorSets(full: protos.FullSet, own: null);

        var run = Run(texts);

        Assert.Empty(run.Result.GeneratedSources);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(("EAGRPC003", DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        Assert.Contains(
            ownOnly ? GrpcServiceGenerator.FullSetFileName : GrpcServiceGenerator.OwnSetFileName,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_OwnSetOfOneFile_GeneratesOnlyThatFile()
    {
        // The full set also holds name_clash.proto and audit_log.proto, which declare services.
        var run = Run(GeneratorHarness.DescriptorSets(protos.FullSet, protos.DoorWatchOwnSet));

        Assert.Empty(run.Diagnostics);
        Assert.Equal(["testing_door_watch_v1alpha_door_watch.grpc.g.cs"], run.HintNames);
        var source = run.Source("testing_door_watch_v1alpha_door_watch.grpc.g.cs");
        Assert.Contains("public static partial class DoorWatch", source, StringComparison.Ordinal);
        Assert.Contains("public static partial class DoorAdmin", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Clashing", source, StringComparison.Ordinal);
        Assert.DoesNotContain("AuditLog", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_NoDescriptorSets_GeneratesNothing()
    {
        var run = Run([new TextFile("/project/notes/edgeaccess.protoset.txt", "unrelated")]);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void Generate_SameDescriptorSetsAfterAnEdit_ReusesTheCachedOutput()
    {
        var first = Run(GeneratorHarness.DescriptorSets(protos.FullSet, protos.DoorWatchOwnSet));
        var edited = GeneratorHarness.Compilation([CSharpSyntaxTree.ParseText("internal static class Edited { }", GeneratorHarness.ParseOptions)]);

        // The next compilation: an unrelated source edit, and the same sets read again from disk.
        var driver = first.Driver.ReplaceAdditionalTexts(GeneratorHarness.DescriptorSets(protos.FullSet, protos.DoorWatchOwnSet));
        var second = GeneratorHarness.Rerun(driver, edited);

        Assert.Equal(first.HintNames, second.HintNames);
        var outputs = second.Result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs);
        Assert.All(outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        var reads = second.Result.TrackedSteps[GrpcServiceGenerator.ReadStepName].SelectMany(step => step.Outputs);
        Assert.All(reads, output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
    }

    [Fact]
    public void Generate_ChangedDescriptorSet_RunsAgain()
    {
        var first = Run(GeneratorHarness.DescriptorSets(protos.FullSet, protos.DoorWatchOwnSet));

        var driver = first.Driver.ReplaceAdditionalTexts(GeneratorHarness.DescriptorSets(protos.FullSet, protos.OwnSet));
        var second = GeneratorHarness.Rerun(driver, Empty());

        Assert.Equal(3, second.HintNames.Count);
        var outputs = second.Result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs);
        Assert.Contains(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
    }

    private static GeneratorRun Run(ImmutableArray<AdditionalText> texts) => GeneratorHarness.Run(Empty(), texts);

    private static CSharpCompilation Empty() => GeneratorHarness.Compilation([]);

    private sealed class TextFile(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) =>
            Microsoft.CodeAnalysis.Text.SourceText.From(text);
    }
}
