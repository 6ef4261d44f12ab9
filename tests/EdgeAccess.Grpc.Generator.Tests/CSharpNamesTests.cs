using EdgeAccess.Grpc.Generator.Descriptors;

namespace EdgeAccess.Grpc.Generator.Tests;

/// <summary>
/// The naming rules ported from protoc's C# generator (protobuf
/// src/google/protobuf/compiler/csharp/names.cc). GeneratedServiceTests checks them against protoc's
/// real output by compiling with it; these cases pin the corners.
/// </summary>
public sealed class CSharpNamesTests
{
    [Theory]
    [InlineData("grpc.reflection.v1alpha", "Grpc.Reflection.V1Alpha")]
    [InlineData("edge_access.door_watch.v1alpha", "EdgeAccess.DoorWatch.V1Alpha")]
    [InlineData("foo_bar.baz2qux", "FooBar.Baz2Qux")]
    [InlineData("Already.Cased", "Already.Cased")]
    [InlineData("a__b", "AB")]
    [InlineData("v1.x9y", "V1.X9Y")]
    [InlineData("", "")]
    public void FileNamespace_NoCsharpNamespaceOption_ConvertsThePackageLikeProtoc(string package, string expected)
    {
        var file = new ProtoFile { Name = "x.proto", Package = package };

        Assert.Equal(expected, CSharpNames.FileNamespace(file));
    }

    [Theory]
    [InlineData("Custom.Namespace")]
    [InlineData("")]
    public void FileNamespace_CsharpNamespaceOptionSet_UsesItVerbatimEvenWhenEmpty(string option)
    {
        var file = new ProtoFile { Name = "x.proto", Package = "some.package", CSharpNamespace = option };

        Assert.Equal(option, CSharpNames.FileNamespace(file));
    }

    [Theory]
    [InlineData("server_info.proto", "ServerInfoReflection")]
    [InlineData("grpc/testing/test.proto", "TestReflection")]
    [InlineData("a/b/door_watch.proto", "DoorWatchReflection")]
    [InlineData("x.y.proto", "XYReflection")]
    [InlineData("noextension", "NoextensionReflection")]
    [InlineData("_3d_model.proto", "_3DModelReflection")]
    [InlineData("v2beta.proto", "V2BetaReflection")]
    public void ReflectionClassUnqualifiedName_FileName_MatchesProtoc(string fileName, string expected) =>
        Assert.Equal(expected, CSharpNames.ReflectionClassUnqualifiedName(fileName));

    [Theory]
    [InlineData("", "Outer", "global::Outer")]
    [InlineData("Ns", "Outer.Inner", "global::Ns.Outer.Types.Inner")]
    [InlineData("A.B", "Outer.Mid.Inner", "global::A.B.Outer.Types.Mid.Types.Inner")]
    public void MessageClassName_NestedMessage_NestsUnderTypes(string @namespace, string relativeName, string expected)
    {
        var file = new ProtoFile { Name = "x.proto", Package = "p", CSharpNamespace = @namespace };

        Assert.Equal(expected, CSharpNames.MessageClassName(file, relativeName));
    }
}
